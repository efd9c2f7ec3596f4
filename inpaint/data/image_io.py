"""Reading images: any folder layout, any common mode, EXIF orientation applied, errors that
name the file."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".bmp")
# peak bytes of memory per image pixel to inpaint a photo in crops around its holes: 1.27 GB
# above the loaded model for a 6000x4000 photo with five strokes (inpaint-predict, fourier)
MEMORY_PER_PIXEL = 55
# the most pixels an image may have unless the caller allows more (--max-pixels): about 16 GiB
# at MEMORY_PER_PIXEL, within a 24 GiB machine; Pillow's own default limit is 89 megapixels
DEFAULT_MAX_PIXELS = 300_000_000


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


class ImageTooLargeError(ImageReadError):
    """An image with more pixels than the limit it is read under (`max_pixels`)."""


@contextmanager
def opened(path: str | Path, max_pixels: int | None = DEFAULT_MAX_PIXELS) -> Iterator[Image.Image]:
    """The image at `path` opened lazily (its header read, no pixels decoded), refused with an
    ImageTooLargeError when it has more than `max_pixels` (None: no limit). Pillow's own
    decompression-bomb limit is lifted meanwhile: this check takes its place, so an image
    above Pillow's default but within `max_pixels` is read. FileNotFoundError /
    ImageReadError name the file."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"image file not found: {path}")
    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None
    try:
        with Image.open(path) as image:
            width, height = image.size
            if max_pixels is not None and width * height > max_pixels:
                raise ImageTooLargeError(
                    f"image {path} has {width}x{height} = {width * height / 1e6:,.0f} megapixels, "
                    f"more than the limit of {max_pixels / 1e6:,.0f} (inpainting it takes about "
                    f"{MEMORY_PER_PIXEL * width * height / 2**30:,.0f} GiB); raise the limit "
                    "with --max-pixels (max_pixels= in Python) if the machine has the memory"
                )
            yield image
    except ImageReadError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ImageReadError(f"cannot read image {path}: {error}") from error
    finally:
        Image.MAX_IMAGE_PIXELS = previous


def open_image(path: str | Path, max_pixels: int | None = DEFAULT_MAX_PIXELS) -> Image.Image:
    """The fully decoded image at `path`, turned upright as its EXIF orientation says (as every
    viewer shows it, so masks drawn on the shown photo line up); palette images become RGBA if
    they have a transparent colour, else RGB. FileNotFoundError / ImageReadError name the file;
    an image of more than `max_pixels` is an ImageTooLargeError (see `opened`).
    """
    with opened(path, max_pixels) as image:
        try:
            image.load()  # decode now, so truncated files fail here and not later
            upright = ImageOps.exif_transpose(image)  # a copy, also when nothing turns
        except (OSError, SyntaxError, ValueError) as error:
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


def load_rgb(path: str | Path, max_pixels: int | None = DEFAULT_MAX_PIXELS) -> np.ndarray:
    """uint8 [H, W, 3] RGB pixels of the image at `path` (at most `max_pixels`)."""
    return np.array(to_rgb(open_image(path, max_pixels)))
