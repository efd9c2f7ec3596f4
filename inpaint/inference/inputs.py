"""What `Inpainter.inpaint` accepts, checked and turned into pixels and known-pixel masks.

Images: PIL images (any mode: RGB, RGBA, L, LA, P, 16-bit), numpy arrays (uint8 or uint16
[H, W], [H, W, 1], [H, W, 3] or [H, W, 4]; float in [0, 1]) or float tensors [3, H, W] in
[0, 1]. Float values more than `FLOAT_TOLERANCE` outside [0, 1] (an image in 0-255, say) and
NaN / inf are errors that give the range found.

Alpha (RGBA / LA / transparent-palette images, [H, W, 4] arrays), one of `ALPHA_RULES`:
``keep`` (default, as IOPaint): the colour under the alpha is inpainted and the alpha comes
back unchanged; ``hole``: fully transparent pixels (alpha 0) are holes too and the result is
opaque.

Masks, by dtype, the same for numpy arrays and tensors:
* bool: True = hole (what the mask generators return);
* uint8 / uint16 and PIL images: mask *files*, 255 = hole, binarised at 127 (16-bit scaled to
  8 bits first);
* float: the *tensor* convention, 1 = known, 0 = hole, in [0, 1], binarised at 0.5.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from PIL import Image
from torch import Tensor

from inpaint.data.conventions import check_mask_aspect, holes_from_file_array
from inpaint.data.image_io import MEMORY_PER_PIXEL, to_rgb, uint16_to_uint8
from inpaint.inference.hole_crops import Box
from inpaint.inference.options import ALPHA_RULES

FLOAT_TOLERANCE = 1e-3
ALPHA_MODES = ("RGBA", "LA", "PA", "La", "RGBa")


@dataclass
class PreparedImage:
    """One checked input image: `pixels` RGB uint8 [H, W, 3] of a PIL / numpy input (a copy of
    its own, which the result is written into) or `tensor` float [3, H, W] of a tensor input;
    `alpha` uint8 [H, W] of an input with an alpha channel, else None."""

    pixels: np.ndarray | None
    tensor: Tensor | None
    alpha: np.ndarray | None

    @property
    def size(self) -> tuple[int, int]:
        """(H, W)"""
        return tuple((self.pixels if self.pixels is not None else self.tensor[0]).shape[:2])

    def region(self, box: Box) -> Tensor:
        """float [3, h, w] in [0, 1]: the image inside `box` (top, left, bottom, right)."""
        top, left, bottom, right = box
        if self.pixels is None:
            return self.tensor[:, top:bottom, left:right].detach().cpu().float().clamp(0, 1)
        window = torch.from_numpy(self.pixels[top:bottom, left:right])
        return window.permute(2, 0, 1).float() / 255


def check_float_values(values: np.ndarray | Tensor, what: str) -> None:
    """Float image or mask values must be finite and in [0, 1] (give or take rounding)."""
    values = torch.as_tensor(values).detach()
    if not bool(torch.isfinite(values).all()):
        raise ValueError(f"{what} contains NaN or infinite values")
    if values.numel() == 0:
        return
    low, high = float(values.min()), float(values.max())
    if low < -FLOAT_TOLERANCE or high > 1 + FLOAT_TOLERANCE:
        raise ValueError(
            f"{what} values must be in [0, 1], found [{low:g}, {high:g}] (uint8 arrays and "
            "PIL images take 0-255)"
        )


def check_image_tensor(image: Tensor) -> None:
    if image.ndim != 3 or image.shape[0] != 3 or not image.is_floating_point():
        raise ValueError(
            f"image tensor must be float [3, H, W] in [0, 1], got {image.dtype} {list(image.shape)}"
        )
    check_float_values(image, "image tensor")


def _array_channels(array: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """numpy image -> (colour [H, W] or [H, W, 3], alpha [H, W] or None), same dtype."""
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[..., 0]
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (3, 4)):
        raise ValueError(
            f"image array must be [H, W], [H, W, 1], [H, W, 3] or [H, W, 4], got {array.shape}"
        )
    if array.ndim == 3 and array.shape[2] == 4:
        return array[..., :3], array[..., 3]
    return array, None


def _to_uint8(values: np.ndarray) -> np.ndarray:
    """uint8, uint16 or float [0, 1] samples -> uint8."""
    if values.dtype == np.uint8:
        return values
    if values.dtype == np.uint16:
        return uint16_to_uint8(values)
    if np.issubdtype(values.dtype, np.floating):
        check_float_values(values, "float image array")
        return (np.clip(values, 0, 1) * 255).round().astype(np.uint8)
    raise ValueError(f"image array must be uint8, uint16 or float in [0, 1], got {values.dtype}")


def split_alpha(image: Image.Image | np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """A PIL / numpy image -> (RGB uint8 [H, W, 3], alpha uint8 [H, W] or None)."""
    if isinstance(image, np.ndarray):
        colour, alpha = _array_channels(image)
        colour = _to_uint8(colour)
        if colour.ndim == 2:
            colour = np.repeat(colour[..., None], 3, axis=2)
        return np.array(colour, order="C"), None if alpha is None else _to_uint8(alpha)
    if isinstance(image, Image.Image):
        has_alpha = image.mode in ALPHA_MODES or (
            image.mode == "P" and "transparency" in image.info
        )
        alpha = np.array(image.convert("RGBA").getchannel("A")) if has_alpha else None
        return np.array(to_rgb(image)), alpha  # np.array: a writable copy
    raise TypeError(f"image must be a PIL image, numpy array or tensor, got {type(image).__name__}")


def check_pixel_count(image: Any, max_pixels: int | None) -> None:
    """ValueError when `image` (PIL image, array [H, W, ...] or tensor [..., H, W]) has more
    than `max_pixels` pixels (None: no limit), before any of it is converted."""
    if max_pixels is None:
        return
    if isinstance(image, Image.Image):
        width, height = image.size
    elif isinstance(image, Tensor):
        height, width = image.shape[-2:]
    else:
        height, width = np.shape(image)[:2]
    if width * height > max_pixels:
        raise ValueError(
            f"the image has {width}x{height} = {width * height / 1e6:,.0f} megapixels, more than "
            f"max_pixels = {max_pixels / 1e6:,.0f} million (about {MEMORY_PER_PIXEL} bytes per "
            "pixel to inpaint in crops); pass a larger max_pixels if the machine has the memory"
        )


def prepare_image(image: Any) -> PreparedImage:
    """Check and convert one input image (see the module doc)."""
    if isinstance(image, Tensor):
        check_image_tensor(image)
        return PreparedImage(None, image, None)
    pixels, alpha = split_alpha(image)
    return PreparedImage(pixels, None, alpha)


def known_mask(mask: Image.Image | np.ndarray | Tensor) -> np.ndarray:
    """Any supported mask -> bool [H, W], True = known pixel (conventions in the module doc)."""
    if isinstance(mask, Image.Image):
        grey = mask if mask.mode == "L" else to_rgb(mask).convert("L")
        return ~holes_from_file_array(np.asarray(grey))
    if isinstance(mask, Tensor):
        if mask.ndim < 2 or int(np.prod(mask.shape[:-2])) != 1:
            raise ValueError(
                f"mask tensor must be [H, W], [1, H, W] or [1, 1, H, W], got {list(mask.shape)}"
            )
        mask = mask.detach().cpu().reshape(mask.shape[-2:]).numpy()
    if not isinstance(mask, np.ndarray):
        raise TypeError(
            f"mask must be a PIL image, numpy array or tensor, got {type(mask).__name__}"
        )
    if mask.ndim == 3:
        mask = mask[..., 0]
    if mask.ndim != 2:
        raise ValueError(f"mask array must be [H, W] or [H, W, C], got {mask.shape}")
    if mask.dtype == bool:
        return ~mask
    if mask.dtype == np.uint8:
        return ~holes_from_file_array(mask)
    if mask.dtype == np.uint16:
        return ~holes_from_file_array(uint16_to_uint8(mask))
    if np.issubdtype(mask.dtype, np.floating):
        check_float_values(mask, "float mask (1 = known, 0 = hole)")
        return mask > 0.5
    raise ValueError(
        f"mask must be bool (True = hole), uint8 / uint16 (255 = hole) or float (1 = known), "
        f"got {mask.dtype}"
    )


def fit_mask(known: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """`known` (bool [h, w]) for an image of `size` (H, W): resized (nearest) with a warning
    when only the scale differs; another aspect ratio is an error (`check_mask_aspect`)."""
    (h, w), (height, width) = known.shape, size
    if (h, w) == (height, width):
        return known
    check_mask_aspect((w, h), (width, height))
    warnings.warn(
        f"mask size {w}x{h} differs from image size {width}x{height}; resizing the mask (nearest)",
        stacklevel=3,
    )
    return np.array(Image.fromarray(known).resize((width, height), Image.NEAREST))


def apply_alpha_rule(known: np.ndarray, alpha: np.ndarray | None, rule: str) -> np.ndarray:
    """`known` with fully transparent pixels made holes under ``alpha="hole"``."""
    if rule not in ALPHA_RULES:
        raise ValueError(f"alpha must be one of {ALPHA_RULES}, got {rule!r}")
    if rule == "hole" and alpha is not None:
        return known & (alpha > 0)
    return known


def warn_if_all_hole(known: np.ndarray) -> None:
    if known.size and not known.any():
        warnings.warn(
            "the mask covers the whole image: with no known pixel to fill from, the result is "
            "the model's flat guess",
            stacklevel=3,
        )
