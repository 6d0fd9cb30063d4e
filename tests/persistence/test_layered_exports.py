"""Layered exports as Krita, GIMP and Photoshop open them: the render on top and visible, the
label layers below it in a hidden group, names, visibility and opacity kept; read back with
zipfile (OpenRaster) and psd-tools (PSD)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image
from psd_tools import PSDImage

from casa_studio.core.document import Document
from casa_studio.core.palette import Palette
from casa_studio.persistence.layered import export_ora, export_psd
from tests.persistence.documents import painted_document

PALETTE = Palette.from_entries(
    [(0, "sky", (10, 20, 200)), (1, "grass", (20, 200, 10)), (2, "tree", (5, 80, 5))]
)
IDS = np.kron(np.array([[0, 1], [2, 1]], np.uint8), np.ones((8, 12), np.uint8))  # 16 x 24
LABEL_NAMES = ['Trees & "more"', "Layer 1", "Labels", "colour mask"]  # top first


def _doc() -> Document:
    doc = painted_document(PALETTE, IDS)
    doc.layers[1].visible = False
    doc.layers[2].opacity = 0.5
    return doc


RENDER = np.random.default_rng(0).integers(0, 256, (16, 24, 3), dtype=np.uint8)


def test_openraster_puts_the_render_on_top_of_a_hidden_labels_group(tmp_path: Path) -> None:
    export_ora(tmp_path / "x.ora", _doc(), RENDER)
    with zipfile.ZipFile(tmp_path / "x.ora") as ora:
        first = ora.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        root = ET.fromstring(ora.read("stack.xml")).find("stack")
        assert root is not None
        top, group = list(root)
        assert (top.tag, top.get("name"), top.get("visibility")) == ("layer", "render", "visible")
        assert np.array_equal(np.asarray(Image.open(ora.open(top.get("src", "")))), RENDER)
        assert (group.tag, group.get("name"), group.get("visibility")) == (
            "stack",
            "labels",
            "hidden",
        )
        layers = list(group)
        assert [layer.get("name") for layer in layers] == LABEL_NAMES
        assert [layer.get("visibility") for layer in layers] == [
            "visible",
            "hidden",
            "visible",
            "hidden",
        ]
        assert float(layers[0].get("opacity", "")) == 0.5
        trees = np.asarray(Image.open(ora.open(layers[0].get("src", ""))))
        assert trees.shape == (16, 24, 4)
        assert trees[0, 0, 3] == 255 and trees[10, 10, 3] == 0  # unset pixels are transparent
        assert np.array_equal(np.asarray(Image.open(ora.open("mergedimage.png"))), RENDER)


def test_openraster_without_a_render_shows_the_labels(tmp_path: Path) -> None:
    export_ora(tmp_path / "x.ora", _doc(), None)
    with zipfile.ZipFile(tmp_path / "x.ora") as ora:
        root = ET.fromstring(ora.read("stack.xml")).find("stack")
        assert root is not None
        (group,) = list(root)
        assert group.get("visibility") == "visible"
        assert [layer.get("visibility") for layer in group][-1] == "visible"  # the colour mask


def test_psd_reopens_with_the_same_stack(tmp_path: Path) -> None:
    doc = _doc()
    export_psd(tmp_path / "x.psd", doc, RENDER)
    psd = PSDImage.open(tmp_path / "x.psd")
    assert psd.size == (24, 16)
    group, render = list(psd)  # psd-tools lists the bottom first
    assert (render.name, render.visible, render.kind) == ("render", True, "pixel")
    assert np.array_equal(np.asarray(render.topil().convert("RGB")), RENDER)
    assert (group.name, group.visible, group.kind) == ("labels", False, "group")
    layers = list(reversed(list(group)))
    assert [layer.name for layer in layers] == LABEL_NAMES
    assert [layer.visible for layer in layers] == [True, False, True, False]
    assert layers[0].opacity == 128
    trees = np.asarray(layers[0].topil())
    assert trees[0, 0, 3] == 255 and trees[10, 10, 3] == 0
    assert tuple(trees[0, 0, :3]) == (5, 80, 5)
    colours = np.asarray(layers[-1].topil().convert("RGB"))
    assert np.array_equal(colours, PALETTE.colorize(doc.labels()))
    assert np.array_equal(np.asarray(psd.composite().convert("RGB")), RENDER)
