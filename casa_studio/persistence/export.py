"""Exports: the image (PNG with the recipe in text chunks, JPEG, WebP; optionally upscaled and
labelled so) and the label map as palette PNG or colour PNG (layered files: layered.py)."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, PngImagePlugin

from casa_studio.core.document import Document
from casa_studio.persistence.errors import PersistenceError


class ExportKind(Enum):
    """What File > Export writes: the picture, the label map (palette or colour PNG), or
    the layers as OpenRaster."""

    IMAGE = "image"
    LABELS = "labels"
    COLORS = "colors"
    ORA = "ora"
    PSD = "psd"


IMAGE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP"}


def _save(image: Image.Image, path: Path, **options: Any) -> None:
    try:
        image.save(path, **options)
    except (OSError, ValueError) as exc:
        raise PersistenceError(f"{path}: cannot write ({exc})") from exc


def export_image(
    path: Path | str, rgb: np.ndarray, recipe: dict[str, Any], scale: float = 1
) -> None:
    """Write the render; PNGs carry `recipe` as JSON in a `casa:recipe` text chunk. With
    `scale` over 1 the image is enlarged (Lanczos) and marked as upscaled, not generated."""
    path = Path(path)
    kind = IMAGE_FORMATS.get(path.suffix.lower())
    if kind is None:
        raise PersistenceError(f"{path}: choose .png, .jpg or .webp")
    image = Image.fromarray(rgb, "RGB")
    recipe = dict(recipe)
    if scale > 1:
        size = (round(image.width * scale), round(image.height * scale))
        image = image.resize(size, Image.Resampling.LANCZOS)
        recipe["upscaled"] = (
            f"{scale:g}x with Lanczos after generation at {rgb.shape[1]}x{rgb.shape[0]}"
        )
    if kind == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_text("casa:recipe", json.dumps(recipe))
        info.add_text("Software", "CASA Studio")
        _save(image, path, format="PNG", pnginfo=info)
    else:
        _save(image, path, format=kind, quality=95)


def export_labels_index(path: Path | str, doc: Document) -> None:
    """The composite label map as an 8-bit palette PNG: pixel values are class ids."""
    image = Image.fromarray(doc.labels(), "P")
    image.putpalette(doc.palette.lut().ravel().tolist())
    _save(image, Path(path), format="PNG")


def export_labels_color(path: Path | str, doc: Document) -> None:
    _save(Image.fromarray(doc.palette.colorize(doc.labels()), "RGB"), Path(path), format="PNG")
