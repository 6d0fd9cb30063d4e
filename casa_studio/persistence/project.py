"""`.casa` projects: a zip with `mimetype` first (stored), `manifest.json`, one 8-bit PNG per
layer (255 = unset) and an optional `render.png`. Saving goes through a temporary file in the
target folder and an atomic replace, keeping the previous file as `name.casa~`."""

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

from casa_studio import __version__
from casa_studio.core.document import Document
from casa_studio.core.layers import Layer
from casa_studio.core.palette import Palette
from casa_studio.persistence.errors import PersistenceError

MIMETYPE = "application/x-casa-studio"
FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class ModelRef:
    """The model a project was made with."""

    name: str
    sha256: str = ""


def _png_bytes(array: np.ndarray, mode: str) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array, mode).save(buffer, format="PNG")
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
        "styles": {"seed": doc.seed},
        "model": {"name": model.name, "sha256": model.sha256},
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
            if render is not None:
                archive.writestr("render.png", _png_bytes(render, "RGB"))
        if path.exists():
            os.replace(path, path.with_name(path.name + "~"))
        os.replace(tmp, path)
    except OSError as exc:
        raise PersistenceError(f"{path}: could not save ({exc})") from exc
    finally:
        tmp.unlink(missing_ok=True)


def _read_layer(archive: zipfile.ZipFile, entry: dict[str, Any], size: tuple[int, int]) -> Layer:
    try:
        with archive.open(str(entry["file"])) as f:
            image = Image.open(io.BytesIO(f.read()))
            image.load()
    except KeyError:
        raise PersistenceError(f"layer file {entry.get('file')!r} is missing") from None
    except (UnidentifiedImageError, OSError) as exc:
        raise PersistenceError(
            f"layer {entry.get('name')!r} is not a readable PNG ({exc})"
        ) from exc
    pixels = np.asarray(image)
    if image.mode != "L" or pixels.shape != size:
        raise PersistenceError(
            f"layer {entry.get('name')!r} is {image.mode} {pixels.shape}, expected L {size}"
        )
    return Layer(
        str(entry["name"]),
        pixels.copy(),
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
    return manifest


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
    if not layers:
        raise PersistenceError(f"{path}: the project has no layers")
    seed = manifest.get("styles", {}).get("seed")
    doc = Document(
        palette,
        layers,
        seed=None if seed is None else int(seed),
        background=int(manifest.get("background", 0)),
    )
    doc.active = min(max(int(manifest.get("active_layer", 0)), 0), len(layers) - 1)
    model = manifest.get("model", {})
    return doc, ModelRef(str(model.get("name", "")), str(model.get("sha256", ""))), render
