"""Hostile files of every kind the reading campaign found, built here from scratch: image headers
declaring huge sizes, `.casa` projects of the wrong shape or sized to exhaust memory, model
folders with impossible configs, checkpoints whose storages inflate, broken settings and
recovery records. Each case says whether a correct reader refuses it or accepts it."""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from casa_studio.core.document import Document
from casa_studio.core.palette import Palette
from casa_studio.persistence.project import ModelRef, save_project

PALETTE = Palette.from_entries([(i, f"class_{i}", (60 * i, 255 - 60 * i, 90)) for i in range(4)])
SIZE = (32, 32)
GIB = 1 << 30


@dataclass(frozen=True)
class Case:
    """A file (or folder) at `path`; `accept`: a correct reader loads it."""

    kind: str
    name: str
    path: Path
    accept: bool = False


# --- raw containers ---------------------------------------------------------------------------


def _png_chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def png_header(width: int, height: int, mode: int = 0) -> bytes:
    """A PNG whose header declares `width`x`height` (8-bit, colour type `mode`), one row of
    data: only a decoder that trusts the header allocates the whole image."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, mode, 0, 0, 0)
    data = zlib.compress(b"\0" * (width + 1))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", data)
        + _png_chunk(b"IEND", b"")
    )


def jpeg_header(width: int, height: int) -> bytes:
    """A real 16x16 JPEG whose SOF0 frame header is patched to declare `width`x`height`."""
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 30, 30)).save(buffer, "JPEG")
    data = bytearray(buffer.getvalue())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def zeros_deflated(total: int, chunk: int = 16 << 20) -> bytes:
    """Raw deflate data inflating to `total` zero bytes, built from one compressed chunk: after
    a full flush the compressor starts afresh, so the same bytes can simply repeat."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(b"\0" * chunk) + c.flush(zlib.Z_FULL_FLUSH)
    return block * (total // chunk) + c.flush(zlib.Z_FINISH)


def raw_zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip from (name, stored bytes, method, declared inflated size), written by hand so the
    declared sizes can lie; CRCs are of the stored bytes (a reader never gets that far)."""
    body, directory = b"", b""
    for name, data, method, size in entries:
        crc = zlib.crc32(data) if method == zipfile.ZIP_STORED else 0
        fields = struct.pack("<HHHHHIII", 20, 0, method, 0, 0, crc, len(data), size)
        encoded = name.encode()
        local = b"PK\x03\x04" + fields + struct.pack("<HH", len(encoded), 0) + encoded
        directory += (
            b"PK\x01\x02"
            + struct.pack("<H", 20)
            + fields
            + struct.pack("<HHHHHII", len(encoded), 0, 0, 0, 0, 0, len(body))
            + encoded
        )
        body += local + data
    count = len(entries)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), len(body), 0)
    return body + directory + end


# --- projects ---------------------------------------------------------------------------------


def good_project(path: Path) -> Path:
    doc = Document.new(PALETTE, SIZE)
    doc.layers[1].pixels[4:12, 4:20] = 2
    save_project(path, doc, ModelRef("tiny-fuzz"))
    return path


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


KEEP = object()


def rewrite_project(
    base: Path, out: Path, manifest: Any = KEEP, members: dict[str, bytes | None] | None = None
) -> Path:
    """`base` with its manifest replaced by `manifest` (JSON-encoded unless bytes) and members
    replaced (None: removed)."""
    found = _members(base)
    if manifest is not KEEP:
        found["manifest.json"] = (
            manifest if isinstance(manifest, bytes) else json.dumps(manifest).encode()
        )
    for name, data in (members or {}).items():
        if data is None:
            found.pop(name, None)
        else:
            found[name] = data
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), found.pop("mimetype"))
        for name, data in found.items():
            archive.writestr(name, data)
    return out


def manifest_of(path: Path) -> dict[str, Any]:
    return json.loads(_members(path)["manifest.json"])


def _edit(base: Path, change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    manifest = manifest_of(base)
    change(manifest)
    return manifest


def _png(array: np.ndarray, mode: str) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array, mode).save(buffer, "PNG")
    return buffer.getvalue()


def project_cases(folder: Path) -> list[Case]:
    """Manifests of the wrong shape, members sized to exhaust memory, broken containers."""
    folder.mkdir(parents=True, exist_ok=True)
    base = good_project(folder / "good.casa")
    layer = next(n for n in _members(base) if n.startswith("layers/"))
    deep = ("[" * 100_000 + "]" * 100_000).encode()

    def first_layer(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
        return lambda m: m["layers"][0].__setitem__(key, value)

    shapes: dict[str, Any] = {
        "manifest-string": "hello",
        "manifest-list": [1, 2, 3],
        "manifest-null": None,
        "manifest-nested-100k": deep,
        "active-layer-x": _edit(base, lambda m: m.__setitem__("active_layer", "x")),
        "format1-styles-list": _edit(base, lambda m: m.update(format_version=1, styles=[1, 2])),
        "background-300": _edit(base, lambda m: m.__setitem__("background", 300)),
        "palette-colour-2-values": _edit(
            base, lambda m: m["palette"][1].__setitem__("color", [1, 2])
        ),
        "palette-id-999": _edit(base, lambda m: m["palette"][1].__setitem__("id", 999)),
        "size-negative": _edit(base, lambda m: m.__setitem__("size", [-32, 32])),
        "size-huge-int": _edit(base, lambda m: m.__setitem__("size", [10**30, 32])),
        "opacity-nan-string": _edit(base, first_layer("opacity", "NaN")),
        "layer-file-traversal": _edit(base, first_layer("file", "../../etc/passwd")),
        "styles-sources-short": _edit(base, lambda m: m["styles"].__setitem__("sources", [])),
        "newer-format": _edit(base, lambda m: m.__setitem__("format_version", 99)),
        "12000-square-layers": _edit(base, lambda m: m.__setitem__("size", [12000, 12000])),
        "20000-layers": _edit(
            base,
            lambda m: m.__setitem__(
                "layers", [dict(m["layers"][0], uid=f"u{i}") for i in range(20000)]
            ),
        ),
    }
    cases = [
        Case("casa-manifest", name, rewrite_project(base, folder / f"{name}.casa", manifest=value))
        for name, value in shapes.items()
    ]
    tokens = np.zeros((4, 7), np.float32)
    from safetensors.numpy import save as save_safetensors

    wide = _edit(base, lambda m: m["styles"].__setitem__("file", "styles.safetensors"))
    cases += [
        Case(
            "casa-content",
            "layer-ids-outside-classes",
            rewrite_project(
                base,
                folder / "ids.casa",
                members={layer: _png(np.full(SIZE, 200, np.uint8), "L")},
            ),
        ),
        Case(
            "casa-content",
            "layer-png-30000-square",
            rewrite_project(
                base,
                folder / "bomb-layer.casa",
                members={layer: png_header(30000, 30000)},
            ),
        ),
        Case(
            "casa-content",
            "layer-png-rgb",
            rewrite_project(
                base,
                folder / "rgb-layer.casa",
                members={layer: _png(np.zeros((*SIZE, 3), np.uint8), "RGB")},
            ),
        ),
        Case(
            "casa-content",
            "render-png-100000-square",
            rewrite_project(
                base,
                folder / "bomb-render.casa",
                members={"render.png": png_header(100000, 100000)},
            ),
        ),
        Case(
            "casa-content",
            "style-rows-wrong-width",  # readable; the window refuses it for the open model
            rewrite_project(
                base,
                folder / "wide.casa",
                manifest=wide,
                members={"styles.safetensors": save_safetensors({"tokens": tokens})},
            ),
            accept=True,
        ),
        Case(
            "casa-content",
            "style-rows-garbage",
            rewrite_project(
                base,
                folder / "garbage-styles.casa",
                manifest=wide,
                members={"styles.safetensors": b"\xff" * 64},
            ),
        ),
        Case(
            "casa-content",
            "layer-missing",
            rewrite_project(base, folder / "nolayer.casa", members={layer: None}),
        ),
    ]
    members = _members(base)
    manifest = members["manifest.json"]
    stored = [("mimetype", b"application/x-casa-studio", zipfile.ZIP_STORED, 25)]
    bomb = zeros_deflated(4 * GIB)
    cases += [
        Case(
            "casa-size",
            "zip-bomb-layer-4gb",
            _write(
                folder / "zb-layer.casa",
                raw_zip(
                    [
                        *stored,
                        ("manifest.json", manifest, 0, len(manifest)),
                        (layer, bomb, 8, 4 * GIB - 1),
                    ]
                ),
            ),
        ),
        Case(
            "casa-size",
            "zip-bomb-layer-lying-size",
            _write(
                folder / "zb-lie.casa",
                raw_zip(
                    [*stored, ("manifest.json", manifest, 0, len(manifest)), (layer, bomb, 8, 1200)]
                ),
            ),
        ),
        Case(
            "casa-size",
            "zip-bomb-manifest",
            _write(
                folder / "zb-manifest.casa",
                raw_zip([*stored, ("manifest.json", bomb, 8, 4 * GIB - 1)]),
            ),
        ),
        Case(
            "casa-size",
            "dev-zero-entries",
            _write(
                folder / "zero.casa",
                raw_zip(
                    [*stored, ("manifest.json", manifest, 0, len(manifest))]
                    + [(f"layers/z{i}.png", bomb[:4096], 8, 2 * GIB) for i in range(4)]
                ),
            ),
        ),
        Case(
            "casa-size",
            "9000-entries",
            _write(
                folder / "many.casa",
                raw_zip([*stored] + [(f"x/{i}", b"", 0, 0) for i in range(9000)]),
            ),
        ),
        Case("casa-container", "not-a-zip", _write(folder / "text.casa", b"hello world\n" * 10)),
        Case("casa-container", "truncated", _write(folder / "cut.casa", base.read_bytes()[:300])),
        Case("casa-container", "empty", _write(folder / "empty.casa", b"")),
        Case(
            "casa-container",
            "no-mimetype",
            rewrite_project(base, folder / "nomime.casa", members={"mimetype": b"text/plain"}),
        ),
        Case("casa-container", "good", base, accept=True),
    ]
    return cases


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# --- images -----------------------------------------------------------------------------------


def image_cases(folder: Path) -> list[Case]:
    folder.mkdir(parents=True, exist_ok=True)
    labels = np.zeros(SIZE, np.uint8)
    labels[8:] = 2
    Image.fromarray(labels, "L").save(folder / "labels.png")
    rgb = np.random.default_rng(1).integers(0, 255, (*SIZE, 3), np.uint8)
    Image.fromarray(rgb, "RGB").save(folder / "photo.png")
    return [
        Case(
            "image-bomb",
            "png-header-100000-square",
            _write(folder / "h100k.png", png_header(100000, 100000)),
        ),
        Case(
            "image-bomb",
            "png-header-10000-square",
            _write(folder / "h10k.png", png_header(10000, 10000)),
        ),
        Case(
            "image-bomb",
            "png-rgb-header-30000-square",
            _write(folder / "h30k.png", png_header(30000, 30000, 2)),
        ),
        Case(
            "image-bomb",
            "jpeg-header-60000-square",
            _write(folder / "h60k.jpg", jpeg_header(60000, 60000)),
        ),
        Case(
            "image-broken",
            "truncated-png",
            _write(folder / "cut.png", (folder / "labels.png").read_bytes()[:60]),
        ),
        Case("image-broken", "not-an-image", _write(folder / "text.png", b"not an image")),
        Case("image-good", "grey-labels", folder / "labels.png", accept=True),
    ]


# --- model folders ----------------------------------------------------------------------------


def config_cases(good: Path, folder: Path) -> list[Case]:
    """Copies of the model folder `good` with one impossible value in config.json."""
    import shutil

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
        Case("checkpoint", "storage-inflates-4gb", _write(folder / "bomb.pth", raw_zip(entries))),
        Case("checkpoint", "view-over-larger-storage", folder / "view.pth"),
        Case("checkpoint", "pickle-payload", folder / "pickle.pth"),
        Case("checkpoint", "truncated", _write(folder / "cut.pth", small.read_bytes()[:100])),
    ]


# --- settings and recovery --------------------------------------------------------------------


SETTINGS: dict[str, str | bytes] = {
    "a-list": "[1, 2, 3]",
    "interval-abc": '{"autosave_seconds": "abc"}',
    "interval-1e30": '{"autosave_seconds": 1e30}',
    "interval-huge-int": '{"autosave_seconds": ' + "9" * 5000 + "}",
    "recent-not-strings": '{"recent_files": [1, {"a": 2}]}',
    "budgets-negative": '{"budgets": {"image_megapixels": -5}}',
    "nested-100k": "[" * 100_000 + "]" * 100_000,
    "not-json": "autosave = 60",
    "binary": b"\xff\xfe\x00\x01",
}

RECORDS = {
    "empty": "",
    "saved-at-yesterday": '{"saved_at": "yesterday", "original": "/p.casa"}',
    "a-list": "[]",
    "original-a-number": '{"original": 5}',
}
