"""Reading label maps and images with Pillow: mode checks, resizing (labels nearest only,
images bicubic), PNG writing."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from casa_studio.persistence.errors import PersistenceError
from casa_studio.settings import budgets
from casa_studio.validation import check_file

LABEL_MODES = ("L", "P", "I", "I;16", "I;16B", "I;16L")
FILE_BYTES_PER_PIXEL = 8  # an uncompressed 16-bit RGBA file of the pixel budget still fits


def check_pixels(image: Image.Image, source: object, limit: int | None = None) -> None:
    """Refuse an opened (not yet decoded) image whose header asks for more than the pixel
    budget, before a single pixel is decoded."""
    limit = budgets().image_pixels if limit is None else limit
    if image.width * image.height > limit:
        raise PersistenceError(
            f"{source}: {image.width}x{image.height} is more than the "
            f"{limit / 1e6:g}-megapixel budget for one image"
        )


def decode(opener: Callable[[], Image.Image], source: object) -> Image.Image:
    """Open, check the header against the pixel budget, then decode; every failure (including
    Pillow's own decompression-bomb guard) becomes a PersistenceError naming `source`."""
    try:
        with warnings.catch_warnings():  # our own budget applies, not Pillow's warning
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = opener()
        try:
            check_pixels(image, source)
            image.load()
        except BaseException:
            image.close()
            raise
        return image
    except FileNotFoundError:
        raise PersistenceError(f"{source}: file not found") from None
    except Image.DecompressionBombError:
        raise PersistenceError(f"{source}: image dimensions far beyond the pixel budget") from None
    except UnidentifiedImageError:
        raise PersistenceError(f"{source}: not an image file Pillow can read") from None
    except (OSError, ValueError, SyntaxError, EOFError, MemoryError) as exc:
        raise PersistenceError(f"{source}: damaged or truncated image ({exc})") from exc


def open_image(path: Path) -> Image.Image:
    """Open and decode fully within the pixel budget (see `decode`); a file that is not a
    regular one, or larger than any image of that budget, is refused before it is read."""
    check_file(path, budgets().image_pixels * FILE_BYTES_PER_PIXEL + (1 << 20), PersistenceError)
    return decode(lambda: Image.open(path), path)


def _size_hw(image: Image.Image) -> tuple[int, int]:
    return image.height, image.width


def read_labels(path: Path | str, size_hw: tuple[int, int] | None = None) -> np.ndarray:
    """A single-channel (grey, 16-bit or palette-indexed) PNG of class ids → (H, W) int64.

    Resized with nearest neighbour when `size_hw` differs; colour images are refused, since
    their pixels are colours, not ids.
    """
    path = Path(path)
    image = open_image(path)
    if image.mode == "RGB" or image.mode == "RGBA":
        rgb = np.asarray(image.convert("RGB"))
        if not (
            np.array_equal(rgb[..., 0], rgb[..., 1]) and np.array_equal(rgb[..., 0], rgb[..., 2])
        ):
            raise PersistenceError(
                f"{path}: colour image; labels must be single-channel class ids "
                "(grey or palette-indexed PNG)"
            )
        image = image.convert("L")
    elif image.mode not in LABEL_MODES:
        raise PersistenceError(f"{path}: image mode {image.mode} cannot hold class ids")
    if size_hw is not None and _size_hw(image) != size_hw:
        image = image.resize((size_hw[1], size_hw[0]), Image.Resampling.NEAREST)
    return np.asarray(image).astype(np.int64)


def read_rgb(
    path: Path | str, size_hw: tuple[int, int] | None = None, crop: bool = False
) -> np.ndarray:
    """Any Pillow-readable image → (H, W, 3) uint8, transparency over white, bicubic resize
    (`crop`: first cut the centre to the target's aspect, so nothing is stretched)."""
    path = Path(path)
    image = open_image(path)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, image.convert("RGBA"))
    image = image.convert("RGB")
    if size_hw is not None and crop:
        image = ImageOps.fit(image, (size_hw[1], size_hw[0]), Image.Resampling.BICUBIC)
    elif size_hw is not None and _size_hw(image) != size_hw:
        image = image.resize((size_hw[1], size_hw[0]), Image.Resampling.BICUBIC)
    return np.array(image, dtype=np.uint8)


def write_png(path: Path | str, rgb: np.ndarray) -> None:
    """Write an (H, W, 3) uint8 array; the folder must exist."""
    path = Path(path)
    try:
        Image.fromarray(rgb, "RGB").save(path, format="PNG")
    except OSError as exc:
        raise PersistenceError(f"{path}: cannot write ({exc})") from exc


def describe_unknown(labels: np.ndarray, count: int) -> str:
    """'id 7: 120 px, id 200: 3 px' for the ids not below `count`; '' if none."""
    ids, pixels = np.unique(labels[(labels < 0) | (labels >= count)], return_counts=True)
    return ", ".join(f"id {i}: {n} px" for i, n in zip(ids.tolist(), pixels.tolist(), strict=True))
