"""`.casa` projects: a zip with `mimetype` first (stored), `manifest.json`, one 8-bit PNG per
layer (255 = unset), `styles.safetensors` (per-class style rows), one PNG per shape-edit
reference, the style reference (`reference/image.png`, `reference/labels.png`), and
optionally `render.png` and `thumbnail.png`. Saving goes through a temporary
file in the target folder and an atomic replace, keeping the previous file as `name.casa~`."""

from __future__ import annotations

import io
import json
import os
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, UnidentifiedImageError
from safetensors import SafetensorError
from safetensors.numpy import load as load_safetensors
from safetensors.numpy import save as save_safetensors

from casa_studio import __version__
from casa_studio.core.document import Document
from casa_studio.core.layers import Layer
from casa_studio.core.palette import Palette
from casa_studio.core.shape_edits import ShapeEdit
from casa_studio.core.styles import Reference, StyleSource
from casa_studio.persistence.errors import PersistenceError
from casa_studio.persistence.migrations import migrate

MIMETYPE = "application/x-casa-studio"
FORMAT_VERSION = 2
THUMBNAIL = 256
STYLES_FILE = "styles.safetensors"
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


def _manifest(doc: Document, model: ModelRef) -> dict[str, Any]:
    h, w = doc.size
    return {
        "format_version": FORMAT_VERSION,
        "app_version": __version__,
        "saved_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "size": [h, w],
        "palette": [
            {"id": c.id, "name": c.name, "color": list(c.color)} for c in doc.palette.classes
        ],
        "layers": [
            {
                "uid": layer.uid,
                "name": layer.name,
                "file": f"layers/{layer.uid}.png",
                "visible": layer.visible,
                "locked": layer.locked,
                "opacity": layer.opacity,
            }
            for layer in doc.layers
        ],
        "active_layer": doc.active,
        "background": doc.background,
        "styles": {
            "sources": [source.to_dict() for source in doc.styles.sources],
            "locked": sorted(doc.styles.locked),
            "file": None if doc.styles.tokens is None else STYLES_FILE,
        },
        "shapes": [
            {"class_id": e.class_id, "alpha": e.alpha, "name": e.name, "file": f"shapes/{i}.png"}
            for i, e in enumerate(doc.shapes)
        ],
        "model": {"name": model.name, "sha256": model.sha256},
        "view": doc.view,
        "reference": None if doc.reference is None else {"name": doc.reference.name},
    }


def save_project(
    path: Path | str, doc: Document, model: ModelRef, render: np.ndarray | None = None
) -> None:
    """Write atomically; the previous version of `path` is kept as `path~`."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(
                zipfile.ZipInfo("mimetype"), MIMETYPE, compress_type=zipfile.ZIP_STORED
            )
            archive.writestr("manifest.json", json.dumps(_manifest(doc, model), indent=2))
            for layer in doc.layers:
                archive.writestr(f"layers/{layer.uid}.png", _png_bytes(layer.pixels, "L"))
            if doc.styles.tokens is not None:
                archive.writestr(STYLES_FILE, save_safetensors({"tokens": doc.styles.tokens}))
            for i, edit in enumerate(doc.shapes):
                archive.writestr(
                    f"shapes/{i}.png", _png_bytes(edit.reference.astype(np.uint8), "L")
                )
            if doc.reference is not None:
                archive.writestr(REFERENCE_IMAGE, _png_bytes(doc.reference.image, "RGB"))
                archive.writestr(REFERENCE_LABELS, _png_bytes(doc.reference.labels, "L"))
            if render is not None:
                archive.writestr("render.png", _png_bytes(render, "RGB"))
                archive.writestr("thumbnail.png", _thumbnail(render))
        if path.exists():
            os.replace(path, path.with_name(path.name + "~"))
        os.replace(tmp, path)
    except OSError as exc:
        raise PersistenceError(f"{path}: could not save ({exc})") from exc
    finally:
        tmp.unlink(missing_ok=True)


def _read_grey(
    archive: zipfile.ZipFile, file: str, what: str, size: tuple[int, int], mode: str = "L"
) -> np.ndarray:
    try:
        with archive.open(file) as f:
            image = Image.open(io.BytesIO(f.read()))
            image.load()
    except KeyError:
        raise PersistenceError(f"{what} file {file!r} is missing") from None
    except (UnidentifiedImageError, OSError) as exc:
        raise PersistenceError(f"{what} is not a readable PNG ({exc})") from exc
    pixels = np.asarray(image)
    if image.mode != mode or pixels.shape[:2] != size:
        raise PersistenceError(f"{what} is {image.mode} {pixels.shape}, expected {mode} {size}")
    return pixels.copy()


def _read_reference(archive: zipfile.ZipFile, manifest: dict[str, Any], doc: Document) -> None:
    entry = manifest.get("reference")
    if not isinstance(entry, dict):
        return
    image = _read_grey(archive, REFERENCE_IMAGE, "reference image", doc.size, "RGB")
    labels = _read_grey(archive, REFERENCE_LABELS, "reference labels", doc.size)
    doc.reference = Reference(str(entry.get("name", "reference")), image, labels)


def _read_layer(archive: zipfile.ZipFile, entry: dict[str, Any], size: tuple[int, int]) -> Layer:
    pixels = _read_grey(archive, str(entry["file"]), f"layer {entry.get('name')!r}", size)
    return Layer(
        str(entry["name"]),
        pixels,
        str(entry["uid"]),
        bool(entry["visible"]),
        bool(entry["locked"]),
        float(entry["opacity"]),
    )


def _read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    if archive.namelist()[:1] != ["mimetype"] or archive.read("mimetype").decode() != MIMETYPE:
        raise PersistenceError("not a CASA Studio project (no mimetype entry)")
    manifest = json.loads(archive.read("manifest.json"))
    version = int(manifest.get("format_version", 0))
    if version > FORMAT_VERSION:
        raise PersistenceError(
            f"made by a newer CASA Studio (format {version}; "
            f"this version reads up to {FORMAT_VERSION}): update the application"
        )
    return migrate(manifest, FORMAT_VERSION)


def _read_styles(archive: zipfile.ZipFile, manifest: dict[str, Any], doc: Document) -> None:
    styles = manifest["styles"]
    sources = [StyleSource.from_dict(s) for s in styles["sources"]]
    if len(sources) != len(doc.palette):
        raise PersistenceError(f"{len(sources)} style sources for {len(doc.palette)} classes")
    doc.styles.sources = sources
    doc.styles.locked = {int(c) for c in styles["locked"]}
    if styles.get("file"):
        try:
            tokens = load_safetensors(archive.read(str(styles["file"])))["tokens"]
        except SafetensorError as exc:
            raise PersistenceError(f"unreadable style rows ({exc})") from exc
        if tokens.ndim != 2 or tokens.shape[0] != len(doc.palette):
            raise PersistenceError(f"style rows are {tokens.shape}, not one per class")
        doc.styles.tokens = tokens.astype(np.float32)


def _read_shapes(archive: zipfile.ZipFile, manifest: dict[str, Any], doc: Document) -> None:
    edits = []
    for entry in manifest["shapes"]:
        class_id = int(entry["class_id"])
        if not 0 <= class_id < len(doc.palette):
            raise PersistenceError(
                f"a shape edit names class {class_id}, which is not in the palette"
            )
        reference = _read_grey(archive, str(entry["file"]), "shape reference", doc.size)
        edits.append(ShapeEdit(class_id, reference, float(entry["alpha"]), str(entry["name"])))
    doc.shapes = tuple(edits)


def load_project(path: Path | str) -> tuple[Document, ModelRef, np.ndarray | None]:
    """Validate everything before returning: a broken file never half-replaces a document."""
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = _read_manifest(archive)
            size = (int(manifest["size"][0]), int(manifest["size"][1]))
            palette = Palette.from_entries(
                [(int(c["id"]), str(c["name"]), tuple(c["color"])) for c in manifest["palette"]]
            )
            layers = [_read_layer(archive, entry, size) for entry in manifest["layers"]]
            if not layers:
                raise PersistenceError("the project has no layers")
            doc = Document(palette, layers, background=int(manifest.get("background", 0)))
            _read_styles(archive, manifest, doc)
            _read_shapes(archive, manifest, doc)
            _read_reference(archive, manifest, doc)
            view = manifest.get("view", {})
            doc.view = (
                {str(k): v for k, v in view.items() if isinstance(v, (str, int))}
                if isinstance(view, dict)
                else {}
            )
            render = None
            if "render.png" in archive.namelist():
                render = np.asarray(
                    Image.open(io.BytesIO(archive.read("render.png"))).convert("RGB")
                )
    except FileNotFoundError:
        raise PersistenceError(f"{path}: file not found") from None
    except PersistenceError as exc:
        raise PersistenceError(f"{path}: {exc}") from exc
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, IndexError, OSError) as exc:
        raise PersistenceError(f"{path}: damaged or truncated project ({exc!r})") from exc
    doc.active = min(max(int(manifest.get("active_layer", 0)), 0), len(layers) - 1)
    model = manifest.get("model", {})
    return doc, ModelRef(str(model.get("name", "")), str(model.get("sha256", ""))), render
