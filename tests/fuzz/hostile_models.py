"""Hostile model folders and checkpoints: impossible values in config.json, segmenter.json and
palette.json, and `.pth` files whose storages inflate past 4 GB, view larger storages or carry
a pickle."""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.fuzz.hostile import GIB, Case, raw_zip, write, zeros_deflated

# --- model folders ----------------------------------------------------------------------------


def config_cases(good: Path, folder: Path) -> list[Case]:
    """Copies of the model folder `good` with one impossible value in config.json."""
    raw = json.loads((good / "config.json").read_text())

    def stages(n: int) -> list[dict[str, Any]]:
        return [dict(raw["stages"][-1]) for _ in range(n)]

    edits: dict[str, Callable[[dict[str, Any]], None]] = {
        "negative-style-dim": lambda c: c.__setitem__("style_dim", -8),
        "zero-channels": lambda c: c["stages"][0].__setitem__("channels", 0),
        "string-for-int": lambda c: c.__setitem__("embed_size", "sixteen"),
        "300-classes": lambda c: c.__setitem__(
            "classes", [{"id": i, "name": f"c{i}", "color": [0, 0, 0]} for i in range(300)]
        ),
        "latent-65536": lambda c: c.__setitem__("latent_hw", [65536, 65536]),
        "200-stages": lambda c: c.__setitem__("stages", stages(200)),
        "huge-widths": lambda c: [s.__setitem__("channels", 4096) for s in c["stages"]],
        "config-a-list": lambda c: c.clear(),
    }
    cases = []
    for name, edit in edits.items():
        target = folder / name
        shutil.copytree(good, target)
        config = json.loads(json.dumps(raw))
        edit(config)
        text = json.dumps([1, 2] if name == "config-a-list" else config)
        (target / "config.json").write_text(text)
        cases.append(Case("model-config", name, target))
    for name, seg in {
        "segmenter-depth-0": {"num_classes": 4, "depth": 0},
        "segmenter-width-1000": {"num_classes": 4, "width": 1000},
        "segmenter-input-1e5": {"num_classes": 4, "input_size": 100000},
        "segmenter-a-string": "unet",
    }.items():
        target = folder / name
        shutil.copytree(good, target)
        (target / "segmenter.json").write_text(json.dumps(seg))
        cases.append(Case("segmenter-config", name, target))
    zero = folder / "weights-dev-zero"
    shutil.copytree(good, zero)
    (zero / "generator.safetensors").unlink()
    (zero / "generator.safetensors").symlink_to("/dev/zero")
    cases.append(Case("model-weights", "weights-dev-zero", zero))
    palette = folder / "palette-short"
    shutil.copytree(good, palette)
    (palette / "palette.json").write_text(json.dumps({"classes": [{"id": 0, "name": "x"}]}))
    cases += [
        Case("model-config", "palette-short", palette),
        Case("model-config", "good", good, accept=True),
    ]
    return cases


def checkpoint_cases(folder: Path) -> list[Case]:
    """`.pth` files: a storage inflating past 4 GB, a view over a larger storage, a pickle."""
    import torch

    folder.mkdir(parents=True, exist_ok=True)
    small = folder / "small.pth"
    torch.save({"encs.encs.0.weight": torch.zeros(4, 4)}, small)
    with zipfile.ZipFile(small) as archive:
        names = archive.namelist()
        members = {n: archive.read(n) for n in names}
    storage = next(n for n in names if "/data/" in n and not n.endswith(".pkl"))
    entries = [
        (
            n,
            zeros_deflated(4 * GIB) if n == storage else d,
            8 if n == storage else 0,
            4 * GIB - 1 if n == storage else len(d),
        )
        for n, d in members.items()
    ]
    big = torch.zeros(1 << 20)
    torch.save({"encs.encs.0.weight": big[:16].view(4, 4)}, folder / "view.pth")

    class Payload:
        def __reduce__(self) -> tuple[Any, ...]:
            return (print, ("pickle ran",))

    torch.save({"x": Payload()}, folder / "pickle.pth")
    return [
        Case("checkpoint", "storage-inflates-4gb", write(folder / "bomb.pth", raw_zip(entries))),
        Case("checkpoint", "view-over-larger-storage", folder / "view.pth"),
        Case("checkpoint", "pickle-payload", folder / "pickle.pth"),
        Case("checkpoint", "truncated", write(folder / "cut.pth", small.read_bytes()[:100])),
    ]
