"""Label and image reading: accepted modes, refusals with the file named, resizing rules."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from casa_studio.persistence.errors import PersistenceError
from casa_studio.persistence.images import describe_unknown, read_labels, read_rgb, write_png

IDS = np.array([[0, 1, 2, 3], [3, 2, 1, 0], [5, 5, 0, 0], [1, 1, 1, 1]], dtype=np.uint8)


def test_grey_palette_and_16bit_labels_read_as_ids(tmp_path: Path) -> None:
    Image.fromarray(IDS, "L").save(tmp_path / "l.png")
    pal = Image.fromarray(IDS, "P")
    pal.putpalette([v for i in range(256) for v in (i * 7 % 256, i * 3 % 256, i)])
    pal.save(tmp_path / "p.png")
    Image.fromarray(IDS.astype(np.uint16)).save(tmp_path / "i16.png")
    for name in ("l.png", "p.png", "i16.png"):
        labels = read_labels(tmp_path / name)
        assert labels.dtype == np.int64 and np.array_equal(labels, IDS), name


def test_grey_saved_as_rgb_is_accepted_but_colour_is_refused(tmp_path: Path) -> None:
    Image.fromarray(np.stack([IDS] * 3, -1), "RGB").save(tmp_path / "grey.png")
    assert np.array_equal(read_labels(tmp_path / "grey.png"), IDS)
    colour = np.zeros((4, 4, 3), dtype=np.uint8)
    colour[0, 0] = (204, 0, 0)
    Image.fromarray(colour, "RGB").save(tmp_path / "colour.png")
    with pytest.raises(PersistenceError, match="colour.png: colour image"):
        read_labels(tmp_path / "colour.png")


def test_labels_resize_nearest_and_keep_the_id_set(tmp_path: Path) -> None:
    Image.fromarray(IDS, "L").save(tmp_path / "l.png")
    big = read_labels(tmp_path / "l.png", (16, 16))
    assert big.shape == (16, 16) and set(np.unique(big)) == set(np.unique(IDS))
    assert np.array_equal(big[::4, ::4], IDS)


def test_broken_files_are_named(tmp_path: Path) -> None:
    (tmp_path / "garbage.png").write_bytes(b"this is not a png at all")
    with pytest.raises(PersistenceError, match="garbage.png: not an image"):
        read_labels(tmp_path / "garbage.png")
    Image.fromarray(np.zeros((64, 64), np.uint8) + 3, "L").save(tmp_path / "t.png")
    data = (tmp_path / "t.png").read_bytes()
    (tmp_path / "t.png").write_bytes(data[: len(data) // 2])
    with pytest.raises(PersistenceError, match="t.png"):
        read_labels(tmp_path / "t.png")
    with pytest.raises(PersistenceError, match="missing.png: file not found"):
        read_rgb(tmp_path / "missing.png")


def test_rgb_reading_composites_alpha_over_white_and_resizes(tmp_path: Path) -> None:
    rgba = np.zeros((8, 8, 4), dtype=np.uint8)
    rgba[..., 0] = 255
    rgba[:4, :, 3] = 255
    Image.fromarray(rgba, "RGBA").save(tmp_path / "a.png")
    rgb = read_rgb(tmp_path / "a.png")
    assert tuple(rgb[0, 0]) == (255, 0, 0) and tuple(rgb[7, 7]) == (255, 255, 255)
    Image.fromarray(np.full((10, 20), 90, np.uint8), "L").save(tmp_path / "g.png")
    grey = read_rgb(tmp_path / "g.png", (16, 32))
    assert grey.shape == (16, 32, 3) and (grey == 90).all()


def test_write_png_and_unknown_id_summary(tmp_path: Path) -> None:
    image = np.random.default_rng(0).integers(0, 256, (5, 6, 3), dtype=np.uint8)
    write_png(tmp_path / "o.png", image)
    assert np.array_equal(np.asarray(Image.open(tmp_path / "o.png")), image)
    with pytest.raises(PersistenceError, match="cannot write"):
        write_png(tmp_path / "no-such-dir" / "o.png", image)
    assert describe_unknown(IDS.astype(np.int64), 4) == "id 5: 2 px"
    assert describe_unknown(IDS.astype(np.int64), 6) == ""


def test_rgb_crop_keeps_the_aspect(tmp_path: Path) -> None:
    wide = np.zeros((32, 64, 3), np.uint8)
    wide[:, 16:48] = 255  # a white centre square between black side bands
    Image.fromarray(wide).save(tmp_path / "wide.png")
    cropped = read_rgb(tmp_path / "wide.png", (16, 16), crop=True)
    assert cropped.shape == (16, 16, 3) and (cropped[:, 1:-1] > 250).all()  # bicubic rims
    stretched = read_rgb(tmp_path / "wide.png", (16, 16))
    assert (stretched[:, 0] < 5).all()
