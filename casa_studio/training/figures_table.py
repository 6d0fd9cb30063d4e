"""The quality figures of `models evaluate` as the markdown table a model card includes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from casa_studio.training.figures import DUPLICATE_DE

COLUMNS = ("real", "reconstruction", "typical", "random")
HEADER = "| figure | real images | reconstruction | typical look | random styles |"

Cell = Callable[[dict[str, Any]], str]


def _value(key: str, digits: int) -> Cell:
    def cell(source: dict[str, Any]) -> str:
        value = source.get(key)
        return "—" if value is None else f"{value:.{digits}f}"

    return cell


def _texture(name: str) -> Cell:
    def cell(source: dict[str, Any]) -> str:
        value = source["texture"].get(name)
        return "—" if value is None else f"{value:.2f}"

    return cell


def _swd(sizes: tuple[int, int]) -> Cell:
    def cell(source: dict[str, Any]) -> str:
        return " / ".join(f"{source[f'swd_{s}']:.0f}" for s in sizes)

    return cell


def figures_table(figures: dict[str, Any]) -> str:
    """Rows as in issue 13's table; the real column is the ceiling or calibration."""
    sources = figures["sources"]
    size = next(int(k[4:]) for k in sources["real"] if k.startswith("swd_"))
    sizes = (size, size // 2)
    texture = "grass" if "grass" in sources["real"]["texture"] else None
    rows: list[tuple[str, Cell, str]] = [
        ("high-frequency power (> ¼ Nyquist), generated ÷ real", _value("high_frequency", 2), ""),
    ]
    if texture:
        rows.append(
            (f"{texture} texture energy inside the region, generated ÷ real", _texture(texture), "")
        )
    if "semantic_miou" in sources["real"]:
        rows.append(
            (
                "reference segmenter mIoU on the image vs its input labels",
                _value("semantic_miou", 2),
                " (ceiling)",
            )
        )
    rows += [
        (
            "class mean colours outside the real distribution (CIELAB, nearest neighbour)",
            _value("colours_outside", 3),
            " (calibration)",
        ),
        (
            "median colour distance to the nearest real class mean, ΔE",
            _value("colour_median_de", 1),
            "",
        ),
        (
            f"sliced Wasserstein distance, 7x7 Laplacian patches, x1e3, {sizes[0]} / {sizes[1]} px",
            _swd(sizes),
            " (a second real set)",
        ),
    ]
    lines = [HEADER, "|---|---|---|---|---|"]
    for label, cell, real_note in rows:
        cells = [cell(sources[c]) if c in sources else "—" for c in COLUMNS]
        cells[0] += real_note
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += _extra_rows(figures)
    return "\n".join(lines) + "\n"


def _extra_rows(figures: dict[str, Any]) -> list[str]:
    recon = figures["sources"]["reconstruction"]
    g = figures["locality_guidance"]
    guided = " (logits with the guidance bias)" if g else ""
    lines = [f"| attention mIoU vs the mask{guided} | — | {recon['attention_miou']:.2f} | | |"]
    if figures["near_duplicate_pairs"] is not None:
        lines.append(
            f"| near-duplicate seed pairs (mean ΔE < {DUPLICATE_DE:g} at ⅛ size), "
            f"of {figures['seed_pairs']} | | | | {figures['near_duplicate_pairs']:.2f} |"
        )
    if figures["locality"] is not None:
        lines.append(
            "| locality: share of a one-class style change inside that class (+3 px), "
            f"guidance {g:g} | | {figures['locality']:.2f} | | |"
        )
    return lines


def sweep_table(runs: list[dict[str, Any]]) -> str:
    """One row per guidance strength: what locality costs in semantic fidelity and detail."""
    lines = [
        "| guidance | locality | segmenter mIoU: reconstruction / typical / random "
        "| high-frequency power: reconstruction / typical / random "
        "| colour ΔE: reconstruction / typical / random | attention mIoU (guided logits) |",
        "|---|---|---|---|---|---|",
    ]
    for run in runs:
        src = run["sources"]

        def triple(key: str, names: tuple[str, ...], src: dict[str, Any] = src) -> str:
            return " / ".join(_value(key, 2)(src[n]) if n in src else "—" for n in names)

        every = ("reconstruction", "typical", "random")
        lines.append(
            f"| {run['locality_guidance']:g} | {_value('locality', 2)(run)} "
            f"| {triple('semantic_miou', every)} | {triple('high_frequency', every)} "
            f"| {' / '.join(_value('colour_median_de', 1)(src[n]) for n in every if n in src)} "
            f"| {_value('attention_miou', 2)(src['reconstruction'])} |"
        )
    return "\n".join(lines) + "\n"


def caption(figures: dict[str, Any], where: str, sweep: bool = False) -> str:
    guidance = "each guidance" if sweep else f"locality guidance {figures['locality_guidance']:g}"
    return (
        f"{figures['scenes']} held-out scenes ({where}), {figures['reference_scenes']} more as "
        f"the second real set; every picture rendered at {guidance}, fp32; "
        f"{figures['seconds']:.0f} s."
    )


def with_section(card: str, title: str, body: str) -> str:
    """The card with its `## title` section replaced by `body` (appended when missing)."""
    heading = f"## {title}\n"
    section = f"{heading}\n{body.strip()}\n"
    start = card.find(heading)
    if start < 0:
        return f"{card.rstrip()}\n\n{section}"
    end = card.find("\n## ", start + len(heading))
    rest = "" if end < 0 else card[end:]
    return f"{card[:start]}{section}{rest}"
