"""Hostile files of every kind the reading campaign found, built here from scratch: image headers
declaring huge sizes, `.casa` projects of the wrong shape or sized to exhaust memory, model
folders with impossible configs, checkpoints whose storages inflate, broken settings and
recovery records. Each case says whether a correct reader refuses it or accepts it."""

from __future__ import annotations

import io
import json
import os
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

    library = {"kind": "library", "seed": None, "name": "wide", "rows": [0, 1]}
    wide = _edit(
        base,
        lambda m: m["styles"].update(
            file="styles.safetensors", sources=[library, *m["styles"]["sources"][1:]]
        ),
    )
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
            "style-tokens-wrong-width",  # readable; the window refuses it for the open model
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
            "style-tokens-garbage",
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
            write(
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
            write(
                folder / "zb-lie.casa",
                raw_zip(
                    [*stored, ("manifest.json", manifest, 0, len(manifest)), (layer, bomb, 8, 1200)]
                ),
            ),
        ),
        Case(
            "casa-size",
            "zip-bomb-manifest",
            write(
                folder / "zb-manifest.casa",
                raw_zip([*stored, ("manifest.json", bomb, 8, 4 * GIB - 1)]),
            ),
        ),
        Case(
            "casa-size",
            "dev-zero-entries",
            write(
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
            write(
                folder / "many.casa",
                raw_zip([*stored] + [(f"x/{i}", b"", 0, 0) for i in range(9000)]),
            ),
        ),
        Case("casa-container", "not-a-zip", write(folder / "text.casa", b"hello world\n" * 10)),
        Case("casa-container", "truncated", write(folder / "cut.casa", base.read_bytes()[:300])),
        Case("casa-container", "empty", write(folder / "empty.casa", b"")),
        Case(
            "casa-container",
            "no-mimetype",
            rewrite_project(base, folder / "nomime.casa", members={"mimetype": b"text/plain"}),
        ),
        Case("casa-container", "good", base, accept=True),
        *special_cases(folder, ".casa"),
    ]
    return cases


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def special_cases(folder: Path, suffix: str) -> list[Case]:
    """Files no reader may read: a symlink to /dev/zero (endless bytes), a named pipe (opening
    it blocks), a folder, and a sparse file far over every budget (costs no disk)."""
    zero, pipe, directory, sparse = (
        folder / f"{name}{suffix}" for name in ("dev-zero", "fifo", "folder", "sparse-3gb")
    )
    zero.symlink_to("/dev/zero")
    os.mkfifo(pipe)
    directory.mkdir()
    with open(sparse, "wb") as f:
        f.truncate(3 * GIB)
    return [
        Case("special", "symlink-to-dev-zero", zero),
        Case("special", "named-pipe", pipe),
        Case("special", "folder", directory),
        Case("special", "sparse-3gb", sparse),
    ]


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
            write(folder / "h100k.png", png_header(100000, 100000)),
        ),
        Case(
            "image-bomb",
            "png-header-10000-square",
            write(folder / "h10k.png", png_header(10000, 10000)),
        ),
        Case(
            "image-bomb",
            "png-rgb-header-30000-square",
            write(folder / "h30k.png", png_header(30000, 30000, 2)),
        ),
        Case(
            "image-bomb",
            "jpeg-header-60000-square",
            write(folder / "h60k.jpg", jpeg_header(60000, 60000)),
        ),
        Case(
            "image-broken",
            "truncated-png",
            write(folder / "cut.png", (folder / "labels.png").read_bytes()[:60]),
        ),
        Case("image-broken", "not-an-image", write(folder / "text.png", b"not an image")),
        Case("image-good", "grey-labels", folder / "labels.png", accept=True),
        *special_cases(folder, ".png"),
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
