"""Layered exports for painting programs, OpenRaster (Krita, GIMP) and Photoshop (psd-tools),
with one stack: the render on top and visible, then a hidden "labels" group holding one layer
per document layer (unset pixels transparent, names, visibility and opacity kept) over the
colour mask. Without a render the labels group is what shows."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr

import numpy as np
from PIL import Image

from casa_studio.core.document import Document
from casa_studio.core.labels import UNSET
from casa_studio.persistence.errors import PersistenceError

LABELS_GROUP = "labels"
COLOUR_MASK = "colour mask"
RENDER = "render"


@dataclass(frozen=True, slots=True)
class StackLayer:
    name: str
    image: Image.Image  # RGB or RGBA, the document's size
    visible: bool = True
    opacity: float = 1.0


@dataclass(frozen=True, slots=True)
class Stack:
    """Top first: the render (None: nothing rendered yet) over the labels group's layers."""

    render: StackLayer | None
    labels: tuple[StackLayer, ...]
    labels_visible: bool
    size: tuple[int, int]  # H, W

    def merged(self) -> Image.Image:
        return self.render.image if self.render else self.labels[-1].image


def layer_stack(doc: Document, render: np.ndarray | None) -> Stack:
    lut = doc.palette.lut()
    labels = []
    for layer in reversed(doc.layers):
        rgba = np.zeros((*doc.size, 4), np.uint8)
        rgba[..., :3] = lut[layer.pixels]
        rgba[..., 3] = np.where(layer.pixels != UNSET, 255, 0)
        image = Image.fromarray(rgba, "RGBA")
        labels.append(StackLayer(layer.name, image, layer.visible, layer.opacity))
    mask = Image.fromarray(doc.palette.colorize(doc.labels()), "RGB")
    labels.append(StackLayer(COLOUR_MASK, mask, render is None))
    top = None if render is None else StackLayer(RENDER, Image.fromarray(render, "RGB"))
    return Stack(top, tuple(labels), render is None, doc.size)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _ora_layer(layer: StackLayer, src: str) -> str:
    shown = "visible" if layer.visible else "hidden"
    return (
        f'<layer name={quoteattr(layer.name)} src="{src}" visibility="{shown}" '
        f'opacity="{layer.opacity:.3f}" x="0" y="0"/>'
    )


def export_ora(path: Path | str, doc: Document, render: np.ndarray | None) -> None:
    """OpenRaster: stack.xml lists the top of the stack first; the labels are a nested stack."""
    stack = layer_stack(doc, render)
    h, w = stack.size
    files = [(f"data/label{i}.png", layer) for i, layer in enumerate(stack.labels)]
    shown = "visible" if stack.labels_visible else "hidden"
    group = (
        f'<stack name="{LABELS_GROUP}" visibility="{shown}">'
        + "".join(_ora_layer(layer, src) for src, layer in files)
        + "</stack>"
    )
    if stack.render is not None:
        files.append(("data/render.png", stack.render))
        group = _ora_layer(stack.render, "data/render.png") + group
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<image version="0.0.3" w="{w}" h="{h}"><stack>{group}</stack></image>'
    )
    merged = stack.merged().convert("RGB")
    thumb = merged.copy()
    thumb.thumbnail((256, 256))
    path = Path(path)
    try:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as ora:
            ora.writestr(
                zipfile.ZipInfo("mimetype"), "image/openraster", compress_type=zipfile.ZIP_STORED
            )
            ora.writestr("stack.xml", xml)
            for src, layer in files:
                ora.writestr(src, _png(layer.image))
            ora.writestr("mergedimage.png", _png(merged))
            ora.writestr("Thumbnails/thumbnail.png", _png(thumb))
    except OSError as exc:
        raise PersistenceError(f"{path}: cannot write ({exc})") from exc


def export_psd(path: Path | str, doc: Document, render: np.ndarray | None) -> None:
    """Photoshop (psd-tools): the same stack, the labels in a closed, hidden group."""
    from psd_tools import PSDImage

    stack = layer_stack(doc, render)
    h, w = stack.size
    psd = PSDImage.new("RGBA", (w, h))  # an RGB file would drop the label layers' alpha
    group = psd.create_group(name=LABELS_GROUP, open_folder=False)
    for layer in reversed(stack.labels):  # psd-tools adds each new layer on top
        pixel = group.create_pixel_layer(
            layer.image, name=layer.name, opacity=round(layer.opacity * 255)
        )
        pixel.visible = layer.visible
    group.visible = stack.labels_visible
    if stack.render is not None:
        psd.create_pixel_layer(stack.render.image, name=RENDER)
    path = Path(path)
    try:
        psd.save(path)
    except (OSError, ValueError) as exc:
        raise PersistenceError(f"{path}: cannot write ({exc})") from exc
