"""Reading images: any folder layout, any common mode, EXIF orientation applied, errors that
name the file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".bmp")


class ImageReadError(ValueError):
    """An image file that exists but cannot be decoded (corrupt, truncated, not an image)."""


def list_images(folder: str | Path, extensions: Sequence[str] = IMAGE_EXTENSIONS) -> list[Path]:
    """Image files under `folder`, recursively, extensions matched case-insensitively, sorted."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"image folder not found: {folder}")
    wanted = {e.lower() for e in extensions}
    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in wanted and p.is_file())
    if not files:
        raise FileNotFoundError(
            f"no images in {folder} (searched recursively for {', '.join(sorted(wanted))})"
        )
    return files


def open_image(path: str | Path) -> Image.Image:
    """The fully decoded image at `path`, turned upright as its EXIF orientation says (as every
    viewer shows it, so masks drawn on the shown photo line up); palette images become RGBA if
    they have a transparent colour, else RGB. FileNotFoundError / ImageReadError name the file.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"image file not found: {path}")
    try:
        with Image.open(path) as image:
            image.load()  # decode now, so truncated files fail here and not later
            upright = ImageOps.exif_transpose(image)  # a copy, also when nothing turns
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ImageReadError(f"cannot read image {path}: {error}") from error
    if upright.mode == "P":
        return upright.convert("RGBA" if "transparency" in upright.info else "RGB")
    return upright


def uint16_to_uint8(values: np.ndarray) -> np.ndarray:
    """16-bit samples scaled to 8 bits by the type's range (65535 -> 255), rounded."""
    return (np.asarray(values, dtype=np.float64) / 65535 * 255).round().astype(np.uint8)


def to_rgb(image: Image.Image) -> Image.Image:
    """RGB version of an image in any mode: L, LA, P, RGBA (alpha dropped), CMYK, and 16-bit
    or 32-bit greyscale (scaled to 8 bits by the value range of the type, not clipped)."""
    if image.mode in ("I;16", "I;16L", "I;16B", "I;16N"):
        return Image.fromarray(uint16_to_uint8(np.asarray(image))).convert("RGB")
    if image.mode == "I":
        values = np.asarray(image, dtype=np.float64)
        peak = 65535 if values.max(initial=0) > 255 else 255  # 16-bit PNGs open as mode I
        return Image.fromarray((values / peak * 255).round().clip(0, 255).astype(np.uint8)).convert(
            "RGB"
        )
    if image.mode == "F":
        values = np.asarray(image, dtype=np.float64).clip(0, 1)
        return Image.fromarray((values * 255).round().astype(np.uint8)).convert("RGB")
    if image.mode == "P":
        image = image.convert("RGBA")
    return image.convert("RGB")


def load_rgb(path: str | Path) -> np.ndarray:
    """uint8 [H, W, 3] RGB pixels of the image at `path`."""
    return np.array(to_rgb(open_image(path)))
