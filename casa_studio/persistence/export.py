"""Exports: the image (PNG with the recipe in text chunks, JPEG, WebP; optionally upscaled and
labelled so), the label map as palette PNG or colour PNG, and a layered OpenRaster file."""

from __future__ import annotations

import io
import json
import zipfile
from enum import Enum
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import numpy as np
from PIL import Image, PngImagePlugin

from casa_studio.core.document import Document
from casa_studio.core.labels import UNSET
from casa_studio.persistence.errors import PersistenceError


class ExportKind(Enum):
    """What File > Export writes: the picture, the label map (palette or colour PNG), or
    the layers as OpenRaster."""

    IMAGE = "image"
    LABELS = "labels"
    COLORS = "colors"
    ORA = "ora"


IMAGE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP"}


def _save(image: Image.Image, path: Path, **options: Any) -> None:
    try:
        image.save(path, **options)
    except (OSError, ValueError) as exc:
        raise PersistenceError(f"{path}: cannot write ({exc})") from exc


def export_image(path: Path | str, rgb: np.ndarray, recipe: dict[str, Any], scale: int = 1) -> None:
    """Write the render; PNGs carry `recipe` as JSON in a `casa:recipe` text chunk. With
    `scale` 2 or 4 the image is enlarged (Lanczos) and marked as upscaled, not generated."""
    path = Path(path)
    kind = IMAGE_FORMATS.get(path.suffix.lower())
    if kind is None:
        raise PersistenceError(f"{path}: choose .png, .jpg or .webp")
    image = Image.fromarray(rgb, "RGB")
    recipe = dict(recipe)
    if scale > 1:
        image = image.resize((image.width * scale, image.height * scale), Image.Resampling.LANCZOS)
        recipe["upscaled"] = (
            f"{scale}x with Lanczos after generation at {rgb.shape[1]}x{rgb.shape[0]}"
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


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def export_ora(path: Path | str, doc: Document, render: np.ndarray | None) -> None:
    """OpenRaster (Krita, GIMP): the render, the colour mask and one layer per document layer
    (unset pixels transparent), top of the stack first."""
    h, w = doc.size
    lut = doc.palette.lut()
    stack: list[tuple[str, Image.Image, bool]] = []
    for layer in reversed(doc.layers):
        rgba = np.zeros((h, w, 4), np.uint8)
        rgba[..., :3] = lut[layer.pixels]
        rgba[..., 3] = np.where(layer.pixels != UNSET, 255, 0)
        stack.append((f"labels: {layer.name}", Image.fromarray(rgba, "RGBA"), layer.visible))
    stack.append(("colour mask", Image.fromarray(doc.palette.colorize(doc.labels()), "RGB"), False))
    if render is not None:
        stack.append(("render", Image.fromarray(render, "RGB"), True))
    merged = Image.fromarray(
        render if render is not None else doc.palette.colorize(doc.labels()), "RGB"
    )
    entries = "".join(
        f'<layer name={quoteattr(name)} src="data/layer{i}.png" '
        f'visibility="{"visible" if visible else "hidden"}" x="0" y="0"/>'
        for i, (name, _, visible) in enumerate(stack)
    )
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?>'
        f'<image version="0.0.3" w="{w}" h="{h}"><stack>{entries}</stack></image>'
    )
    path = Path(path)
    try:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as ora:
            ora.writestr(
                zipfile.ZipInfo("mimetype"), "image/openraster", compress_type=zipfile.ZIP_STORED
            )
            ora.writestr("stack.xml", xml)
            for i, (_, image, _) in enumerate(stack):
                ora.writestr(f"data/layer{i}.png", _png(image))
            ora.writestr("mergedimage.png", _png(merged))
            thumb = merged.copy()
            thumb.thumbnail((256, 256))
            ora.writestr("Thumbnails/thumbnail.png", _png(thumb))
    except OSError as exc:
        raise PersistenceError(f"{path}: cannot write ({exc})") from exc
