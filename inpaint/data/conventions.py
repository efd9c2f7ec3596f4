"""The two mask conventions, and the only place that converts between them.

* Files on disk (as LaMa): 8-bit greyscale, **255 = hole**, 0 = known; grey values are
  binarised at 127 (> 127 is a hole).
* Tensors (as partial conv needs): float, **1 = known pixel**, 0 = hole; [1, H, W] per sample,
  [N, 1, H, W] per batch.

Mask generators draw holes, so they return bool arrays [H, W] with True = hole.

A mask may have another size than its image only by scale (it is then resized, nearest): another
aspect ratio would put holes where nobody painted.
"""

from __future__ import annotations

import numpy as np

FILE_HOLE_VALUE = 255
BINARY_THRESHOLD = 127


def holes_from_file_array(grey: np.ndarray, hole_value: int = FILE_HOLE_VALUE) -> np.ndarray:
    """uint8 [H, W] mask file pixels -> bool [H, W], True = hole.

    ``hole_value=0`` reads masks drawn the other way round (the NVIDIA irregular mask set
    stores holes as black, 0, and known pixels as white).
    """
    if hole_value not in (0, 255):
        raise ValueError(f"hole_value must be 0 or 255, got {hole_value}")
    bright = grey > BINARY_THRESHOLD
    return bright if hole_value == 255 else ~bright


def known_from_file_array(grey: np.ndarray) -> np.ndarray:
    """uint8 [H, W] mask file pixels (255 = hole) -> float32 [H, W], 1 = known."""
    return known_from_holes(holes_from_file_array(grey))


def known_from_holes(holes: np.ndarray) -> np.ndarray:
    """bool [H, W], True = hole -> float32 [H, W], 1 = known (the tensor convention)."""
    return (~holes).astype(np.float32)


def file_array_from_holes(holes: np.ndarray) -> np.ndarray:
    """bool [H, W], True = hole -> uint8 [H, W] for a mask file (255 = hole)."""
    return np.where(holes, FILE_HOLE_VALUE, 0).astype(np.uint8)


def check_mask_aspect(
    mask_size: tuple[int, int], image_size: tuple[int, int], what: str = "mask"
) -> None:
    """Raise ValueError if a mask of `mask_size` (W, H) cannot be resized to its image's
    `image_size` (W, H) without stretching (aspect ratios more than 1% apart)."""
    (w, h), (width, height) = mask_size, image_size
    if abs((w / h) / (width / height) - 1) > 0.01:
        raise ValueError(
            f"{what} size {w}x{h} has another aspect ratio than its image's {width}x{height}: "
            "draw the mask on the image as shown (EXIF orientation applied) at the same size"
        )
