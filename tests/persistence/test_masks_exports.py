"""Mask import (ids, palette, colours, unknowns, JPEG) and every export, read back."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from casa_studio.core.document import Document
from casa_studio.core.palette import Palette
from casa_studio.persistence.errors import PersistenceError
from casa_studio.persistence.export import (
    export_image,
    export_labels_color,
    export_labels_index,
)
from casa_studio.persistence.masks import read_mask
from tests.persistence.documents import painted_document

PALETTE = Palette.from_entries(
    [(0, "sky", (10, 20, 200)), (1, "grass", (20, 200, 10)), (2, "tree", (5, 80, 5))]
)
IDS = np.kron(np.array([[0, 1], [2, 1]], np.uint8), np.ones((8, 8), np.uint8))


def test_id_and_palette_pngs_import_as_ids(tmp_path: Path) -> None:
    Image.fromarray(IDS, "L").save(tmp_path / "ids.png")
    pal = Image.fromarray(IDS, "P")
    pal.putpalette([255, 0, 0] * 256)
    pal.save(tmp_path / "pal.png")
    Image.fromarray(IDS.astype(np.uint16)).save(tmp_path / "ids16.png")
    Image.fromarray(np.stack([IDS, np.full_like(IDS, 255)], -1), "LA").save(tmp_path / "la.png")
    for name in ("ids.png", "pal.png", "ids16.png", "la.png"):
        imp = read_mask(tmp_path / name, PALETTE, (16, 16))
        assert not imp.unknown and not imp.lossy and np.array_equal(imp.resolve({}), IDS), name


def test_unknown_ids_are_listed_and_mapped(tmp_path: Path) -> None:
    ids = IDS.copy()
    ids[:2, :3] = 7
    Image.fromarray(ids, "L").save(tmp_path / "x.png")
    imp = read_mask(tmp_path / "x.png", PALETTE, (16, 16))
    assert imp.unknown == {7: 6}
    with pytest.raises(PersistenceError, match="no class chosen"):
        imp.resolve({})
    labels = imp.resolve({7: 2})
    assert (labels[:2, :3] == 2).all() and labels[10, 10] == 1


def test_colour_masks_use_an_exact_palette_lookup(tmp_path: Path) -> None:
    rgb = PALETTE.colorize(IDS).copy()
    rgb[0, 0] = (1, 2, 3)  # a stray colour
    Image.fromarray(rgb, "RGB").save(tmp_path / "c.png")
    imp = read_mask(tmp_path / "c.png", PALETTE, (32, 32))
    assert imp.by_color and imp.unknown == {(1, 2, 3): 4}  # 4 px after 2x nearest resize
    labels = imp.resolve({(1, 2, 3): 0})
    assert labels.shape == (32, 32) and set(np.unique(labels)) == {0, 1, 2}


def test_jpeg_masks_are_flagged_lossy(tmp_path: Path) -> None:
    Image.fromarray(PALETTE.colorize(IDS), "RGB").save(tmp_path / "m.jpg", quality=70)
    imp = read_mask(tmp_path / "m.jpg", PALETTE, (16, 16))
    assert imp.lossy and imp.unknown  # compression invents colours


def test_garbage_and_truncated_masks_are_refused(tmp_path: Path) -> None:
    (tmp_path / "g.png").write_bytes(b"garbage")
    with pytest.raises(PersistenceError, match="g.png"):
        read_mask(tmp_path / "g.png", PALETTE, (16, 16))
    Image.fromarray(IDS, "L").save(tmp_path / "t.png")
    data = (tmp_path / "t.png").read_bytes()
    (tmp_path / "t.png").write_bytes(data[:40])
    with pytest.raises(PersistenceError, match="t.png"):
        read_mask(tmp_path / "t.png", PALETTE, (16, 16))


def _doc() -> Document:
    return painted_document(PALETTE, IDS)


def test_image_exports_carry_the_recipe_and_mark_upscaling(tmp_path: Path) -> None:
    rgb = np.random.default_rng(0).integers(0, 256, (16, 16, 3), dtype=np.uint8)
    recipe = {"model": "landscape", "sha256": "ab", "seed": 4}
    export_image(tmp_path / "a.png", rgb, recipe)
    image = Image.open(tmp_path / "a.png")
    assert np.array_equal(np.asarray(image), rgb)
    assert json.loads(image.text["casa:recipe"]) == recipe
    export_image(tmp_path / "b.png", rgb, recipe, scale=4)
    big = Image.open(tmp_path / "b.png")
    assert big.size == (64, 64) and "upscaled" in json.loads(big.text["casa:recipe"])
    for name in ("c.jpg", "d.webp"):
        export_image(tmp_path / name, rgb, recipe)
        assert Image.open(tmp_path / name).size == (16, 16)
    with pytest.raises(PersistenceError, match="choose .png"):
        export_image(tmp_path / "e.gif", rgb, recipe)


def test_label_exports_read_back(tmp_path: Path) -> None:
    doc = _doc()
    export_labels_index(tmp_path / "ids.png", doc)
    indexed = Image.open(tmp_path / "ids.png")
    assert indexed.mode == "P" and np.array_equal(np.asarray(indexed), doc.labels())
    assert indexed.getpalette()[6:9] == [5, 80, 5]
    export_labels_color(tmp_path / "colors.png", doc)
    assert np.array_equal(
        np.asarray(Image.open(tmp_path / "colors.png")), PALETTE.colorize(doc.labels())
    )


def test_colours_snap_in_lab_and_photos_are_recognised(tmp_path: Path) -> None:
    import cv2

    labels = np.zeros((128, 128), np.uint8)
    labels[64:] = 1
    labels[32:96, 40:90] = 2
    soft = cv2.GaussianBlur(PALETTE.colorize(labels), (7, 7), 0)  # anti-aliased edges
    soft[0, 0] = PALETTE.classes[1].color + np.array([3, -2, 2])  # near grass in ΔE
    Image.fromarray(soft).save(tmp_path / "soft.png")
    imp = read_mask(tmp_path / "soft.png", PALETTE, (128, 128))
    assert not imp.photo and imp.resolve(imp.nearest_mapping())[0, 0] == 1
    assert sum(imp.unknown.values()) < 0.02 * labels.size
    assert (imp.resolve(imp.nearest_mapping()) == labels).mean() > 0.97
    noise = np.random.default_rng(0).integers(0, 256, (128, 128, 3), np.uint8)
    Image.fromarray(noise).save(tmp_path / "photo.png")
    assert read_mask(tmp_path / "photo.png", PALETTE, (128, 128)).photo
