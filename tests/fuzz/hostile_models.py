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


def look_bank_cases(good: Path, folder: Path) -> list[Case]:
    """Copies of the model folder `good` with a look bank (`style_bank.json` + `.safetensors`):
    one good, the rest declaring too much, nested too deep, of no known format, or not files."""
    import numpy as np
    from safetensors.numpy import save_file

    from casa_studio.model.folder import read_config
    from casa_studio.model.look_bank import BANK_FILE, BANK_META, LookBank

    config = read_config(good)
    classes, dim = config.num_classes, config.token_dim
    tokens = np.random.default_rng(0).normal(size=(6, classes, dim)).astype(np.float32)
    tokens[1, 2] = np.nan
    bank = LookBank(tokens, ("day",) * 3 + ("night",) * 3, {"noon": 0, "dusk": 4}, "noon")

    def bank_folder(name: str) -> Path:
        target = folder / name
        shutil.copytree(good, target)
        bank.save(target)
        return target

    meta = json.loads(json.dumps({"format": 1, "styles": list(bank.styles), "looks": []}))
    texts: dict[str, str] = {
        "bank-nested-100k": "[" * 100_000 + "]" * 100_000,
        "bank-format-abc": json.dumps(meta | {"format": "abc"}),
        "bank-format-2": json.dumps(meta | {"format": 2}),
        "bank-a-list": "[1, 2]",
        "bank-look-scene-a-string": json.dumps(meta | {"looks": [{"name": "x", "scene": "x"}]}),
    }
    cases = [Case("look-bank", "good", bank_folder("bank-good"), accept=True)]
    for name, text in texts.items():
        target = bank_folder(name)
        (target / BANK_META).write_text(text)
        cases.append(Case("look-bank", name, target))
    huge = bank_folder("bank-200000-scenes")  # 2.2 MB that would unpack to 200,000 scenes
    (huge / BANK_META).write_text(json.dumps(meta | {"styles": ["day summer"] * 200_000}))
    save_file(
        {
            "rows": np.zeros((0, dim), np.float16),
            "present": np.zeros((200_000, classes), np.uint8),
        },
        str(huge / BANK_FILE),
    )
    wide = bank_folder("bank-rows-wider")
    save_file(
        {"rows": np.zeros((6, dim * 2), np.float16), "present": np.ones((6, classes), np.uint8)},
        str(wide / BANK_FILE),
    )
    header = bank_folder("bank-header-200000-scenes")  # the tokens' header alone says so
    save_file(
        {
            "rows": np.zeros((0, dim), np.float16),
            "present": np.zeros((200_000, classes), np.uint8),
        },
        str(header / BANK_FILE),
    )
    cases += [
        Case("look-bank", "bank-200000-scenes", huge),
        Case("look-bank", "bank-header-200000-scenes", header),
        Case("look-bank", "bank-rows-wider", wide),
    ]
    for name, member in (("bank-tokens-dev-zero", BANK_FILE), ("bank-json-dev-zero", BANK_META)):
        target = bank_folder(name)
        (target / member).unlink()
        (target / member).symlink_to("/dev/zero")
        cases.append(Case("look-bank", name, target))
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
