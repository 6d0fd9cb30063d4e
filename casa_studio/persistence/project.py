"""`.casa` projects: a zip with `mimetype` first (stored), `manifest.json`, one 8-bit PNG per
layer (255 = unset), `styles.safetensors` (the tokens of stored style sources), one PNG per
shape-edit reference, the style reference (`reference/image.png`, `reference/labels.png`), and
optionally `render.png` and `thumbnail.png`. Saving goes through a temporary
file in the target folder and one rename over the old file, which is kept as `name.casa~`
(`atomic.py`): the project exists, old or new, at every instant, whenever it is killed. Reading
checks the manifest's schema and every budget before inflating anything."""

from __future__ import annotations

import io
import json
import os
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image
from pydantic import ValidationError
from safetensors import SafetensorError
from safetensors.numpy import load as load_safetensors
from safetensors.numpy import save as save_safetensors

from casa_studio import __version__
from casa_studio.core.document import Document
from casa_studio.core.labels import UNSET
from casa_studio.core.layers import Layer
from casa_studio.core.palette import Palette
from casa_studio.core.shape_edits import ShapeEdit
from casa_studio.core.styles import Reference
from casa_studio.persistence.archive import open_archive, read_grey, read_member, read_rgb
from casa_studio.persistence.atomic import replace_file
from casa_studio.persistence.errors import PersistenceError
from casa_studio.persistence.manifest import (
    FORMAT_VERSION,
    ClassEntry,
    LayerEntry,
    Manifest,
    ModelEntry,
    ReferenceEntry,
    ShapeEntry,
    StylesEntry,
    parse_manifest,
)
from casa_studio.persistence.results_history import read_history, write_history
from casa_studio.persistence.style_sources import TokenTable, read_sources, source_entry
from casa_studio.settings import Budgets, budgets
from casa_studio.validation import decode_json, describe

MIMETYPE = "application/x-casa-studio"
THUMBNAIL = 256
STYLES_FILE = "styles.safetensors"
MAX_MANIFEST_BYTES = 1 << 20  # 4096 layers take 600 kB
MAX_TOKEN_DIM = 16384  # widest style token read (the official model's is 1280)
MAX_STORED_TOKENS = 4  # stored token tables per class (references, library styles) read
REFERENCE_IMAGE, REFERENCE_LABELS = "reference/image.png", "reference/labels.png"


@dataclass(frozen=True, slots=True)
class ModelRef:
    """The model a project was made with."""

    name: str
    sha256: str = ""


def _png_bytes(array: np.ndarray, mode: str) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array, mode).save(buffer, format="PNG")
    return buffer.getvalue()


def _thumbnail(render: np.ndarray) -> bytes:
    image = Image.fromarray(render, "RGB")
    image.thumbnail((THUMBNAIL, THUMBNAIL))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _manifest(doc: Document, model: ModelRef, tokens: TokenTable) -> Manifest:
    """The document's manifest, built by the schema that reads it (so checked as it is)."""
    h, w = doc.size
    sources = [source_entry(s, tokens) for s in doc.styles.sources]
    return Manifest(
        format_version=FORMAT_VERSION,
        app_version=__version__,
        saved_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        size=(h, w),
        palette=[ClassEntry(id=c.id, name=c.name, color=c.color) for c in doc.palette.classes],
        layers=[
            LayerEntry(
                uid=layer.uid,
                name=layer.name,
                file=f"layers/{layer.uid}.png",
                visible=layer.visible,
                locked=layer.locked,
                opacity=layer.opacity,
            )
            for layer in doc.layers
        ],
        active_layer=doc.active,
        background=doc.background,
        styles=StylesEntry(
            sources=sources,
            locked=sorted(doc.styles.locked),
            file=None if tokens.array() is None else STYLES_FILE,
        ),
        shapes=[
            ShapeEntry(class_id=e.class_id, alpha=e.alpha, name=e.name, file=f"shapes/{i}.png")
            for i, e in enumerate(doc.shapes)
        ],
        model=ModelEntry(name=model.name, sha256=model.sha256),
        view=dict(doc.view),
        reference=None if doc.reference is None else ReferenceEntry(name=doc.reference.name),
    )


def _write(tmp: Path, doc: Document, model: ModelRef, render: np.ndarray | None) -> None:
    with open(tmp, "wb") as f, zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE, compress_type=zipfile.ZIP_STORED)
        tokens = TokenTable()
        manifest = _manifest(doc, model, tokens)
        archive.writestr("manifest.json", manifest.model_dump_json(indent=2))
        for layer in doc.layers:
            archive.writestr(f"layers/{layer.uid}.png", _png_bytes(layer.pixels, "L"))
        stored = tokens.array()
        if stored is not None:
            archive.writestr(STYLES_FILE, save_safetensors({"tokens": stored}))
        for i, edit in enumerate(doc.shapes):
            archive.writestr(f"shapes/{i}.png", _png_bytes(edit.reference.astype(np.uint8), "L"))
        if doc.reference is not None:
            archive.writestr(REFERENCE_IMAGE, _png_bytes(doc.reference.image, "RGB"))
            archive.writestr(REFERENCE_LABELS, _png_bytes(doc.reference.labels, "L"))
        if render is not None:
            archive.writestr("render.png", _png_bytes(render, "RGB"))
            archive.writestr("thumbnail.png", _thumbnail(render))
        write_history(archive, doc.results)
        archive.close()
        f.flush()
        os.fsync(f.fileno())


def _same_content(a: Path, b: Path) -> bool:
    """Two project files holding the same document: the same entries (by CRC) and the same
    manifest but for the time it was saved."""
    try:
        with zipfile.ZipFile(a) as first, zipfile.ZipFile(b) as second:
            crcs = [
                {i.filename: i.CRC for i in z.infolist() if i.filename != "manifest.json"}
                for z in (first, second)
            ]
            manifests = [
                json.loads(z.read("manifest.json")) | {"saved_at": ""} for z in (first, second)
            ]
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, RecursionError):
        return False  # a damaged current file is a version of its own: keep it as the backup
    return crcs[0] == crcs[1] and manifests[0] == manifests[1]


def save_project(
    path: Path | str, doc: Document, model: ModelRef, render: np.ndarray | None = None
) -> None:
    """Write atomically (see `atomic.replace_file`): one rename of a complete temporary file
    over `path`; the previous version, when it differs, is kept as `path~`."""
    path = Path(path)
    try:
        replace_file(path, lambda tmp: _write(tmp, doc, model, render), _same_content)
    except ValidationError as exc:  # never write a project that could not be read back
        raise PersistenceError(f"{path}: not saved, {describe(exc, 'its manifest')}") from None


def _read_manifest(archive: zipfile.ZipFile) -> Manifest:
    if archive.namelist()[:1] != ["mimetype"] or read_member(archive, "mimetype", 64) != (
        MIMETYPE.encode()
    ):
        raise PersistenceError("not a CASA Studio project (no mimetype entry)")
    text = read_member(archive, "manifest.json", MAX_MANIFEST_BYTES, "manifest")
    raw = decode_json(text, "manifest.json", PersistenceError)
    return parse_manifest(raw, "manifest.json")


def _check_budget(manifest: Manifest, limits: Budgets) -> None:
    """Layer count and layers x size within the budgets, before any layer is decoded."""
    h, w = manifest.size
    # + the composite, + a reference photo (3 planes) and its labels
    planes = len(manifest.layers) + len(manifest.shapes) + 1 + 4 * (manifest.reference is not None)
    if h * w > limits.image_pixels:
        raise PersistenceError(
            f"{w}x{h} is more than the {limits.image_megapixels}-megapixel image budget"
        )
    if len(manifest.layers) > limits.layers:
        raise PersistenceError(f"{len(manifest.layers)} layers, over the budget of {limits.layers}")
    if planes * h * w > limits.project_bytes:
        raise PersistenceError(
            f"{len(manifest.layers)} layers of {w}x{h} need {planes * h * w >> 20} MB, over the "
            f"{limits.project_megabytes} MB project budget"
        )


def _read_layer(
    archive: zipfile.ZipFile, entry: LayerEntry, size: tuple[int, int], classes: int
) -> Layer:
    what = f"layer {entry.name!r}"
    pixels = read_grey(archive, entry.file, what, size, size[0] * size[1] * 2 + 65536)
    bad = (pixels >= classes) & (pixels != UNSET)
    if bad.any():
        raise PersistenceError(
            f"{what} holds class id {int(pixels[bad].max())}, beyond the {classes}-class palette"
        )
    return Layer(entry.name, pixels, entry.uid, entry.visible, entry.locked, entry.opacity)


def _read_styles(archive: zipfile.ZipFile, manifest: Manifest, doc: Document) -> None:
    styles = manifest.styles
    tokens = None
    if styles.file:
        limit = MAX_STORED_TOKENS * len(doc.palette) * MAX_TOKEN_DIM * 8 + 65536
        data = read_member(archive, styles.file, limit)
        try:
            tokens = load_safetensors(data)["tokens"]
        except (SafetensorError, KeyError, ValueError) as exc:
            raise PersistenceError(f"unreadable style tokens ({exc!r})") from exc
        if tokens.ndim != 2 or not 0 < tokens.shape[1] <= MAX_TOKEN_DIM:
            raise PersistenceError(f"style tokens are {tokens.shape}, not a table of tokens")
        if tokens.dtype.kind != "f" or np.isinf(tokens).any():
            raise PersistenceError("style tokens are not finite floating-point numbers")
        tokens = tokens.astype(np.float32)
    doc.styles.sources = read_sources(styles.sources, tokens, len(doc.palette))
    doc.styles.locked = set(styles.locked)


def _read_shapes(archive: zipfile.ZipFile, manifest: Manifest, doc: Document) -> None:
    limit = doc.size[0] * doc.size[1] * 2 + 65536
    doc.shapes = tuple(
        ShapeEdit(
            e.class_id,
            read_grey(archive, e.file, "shape reference", doc.size, limit),
            e.alpha,
            e.name,
        )
        for e in manifest.shapes
    )


def _read_reference(archive: zipfile.ZipFile, manifest: Manifest, doc: Document) -> None:
    if manifest.reference is None:
        return
    h, w = doc.size
    image = read_rgb(archive, REFERENCE_IMAGE, h * w * 4 + 65536)
    if image.shape[:2] != doc.size:
        raise PersistenceError(
            f"the reference image is {image.shape[1]}x{image.shape[0]}, not {w}x{h}"
        )
    labels = read_grey(archive, REFERENCE_LABELS, "reference labels", doc.size, h * w * 2 + 65536)
    doc.reference = Reference(manifest.reference.name, image, labels)


def _document(archive: zipfile.ZipFile, manifest: Manifest) -> Document:
    size = (manifest.size[0], manifest.size[1])
    palette = Palette.from_entries([(c.id, c.name, c.color) for c in manifest.palette])
    layers = [_read_layer(archive, e, size, len(palette)) for e in manifest.layers]
    doc = Document(palette, layers, background=manifest.background)
    _read_styles(archive, manifest, doc)
    _read_shapes(archive, manifest, doc)
    _read_reference(archive, manifest, doc)
    doc.view = {str(k): v for k, v in manifest.view.items() if isinstance(v, (str, int))}
    doc.active = min(manifest.active_layer, len(layers) - 1)
    doc.results = read_history(archive, len(palette))
    return doc


def load_project(path: Path | str) -> tuple[Document, ModelRef, np.ndarray | None]:
    """Validate everything before returning: a broken file never half-replaces a document."""
    path = Path(path)
    limits = budgets()
    archive = open_archive(path, limits.project_bytes)  # its refusals name the file
    try:
        with archive:
            manifest = _read_manifest(archive)
            _check_budget(manifest, limits)
            doc = _document(archive, manifest)
            render = None
            if "render.png" in archive.namelist():
                render = read_rgb(archive, "render.png", limits.image_pixels * 4)
    except PersistenceError as exc:
        raise PersistenceError(f"{path}: {exc}") from exc
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError) as exc:
        raise PersistenceError(f"{path}: damaged or truncated project ({exc})") from exc
    return doc, ModelRef(manifest.model.name, manifest.model.sha256), render
