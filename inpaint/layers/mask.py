"""Mask helpers shared by every layer: nearest-neighbour resizing and input validation.

Masks follow one convention throughout the package: float tensors of shape [N, 1, H, W]
(or [N, C, H, W] for per-channel masks), 1 = known pixel, 0 = hole.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch.nn.functional as F
from torch import Tensor


def resize_mask(mask: Tensor | None, size: Sequence[int]) -> Tensor | None:
    """Resize a mask to ``size`` with nearest-neighbour sampling; ``None`` stays ``None``.

    Nearest (``mode="nearest"``) keeps a binary mask binary. For a stride-2 convolution with
    ``padding = kernel_size // 2`` and an odd kernel, output pixel ``i`` reads input pixel
    ``2 * i``, which is exactly the centre of that output's window.

    Args:
        mask (Tensor[N, C, H, W] or None): float mask, 1 = known, 0 = hole.
        size (tuple[int, int]): target (height, width).

    Returns:
        Tensor[N, C, size[0], size[1]] or None: the resized mask; the input object itself when
        it already has that size.
    """
    if mask is None:
        return None
    size = tuple(size)  # as given: int() would fix a size that torch.export keeps symbolic
    if tuple(mask.shape[-2:]) == size:
        return mask
    return F.interpolate(mask, size=size, mode="nearest")


def check_inputs(
    x: Tensor, mask: Tensor | None, in_channels: int, mask_channels: Sequence[int] = (1,)
) -> None:
    """Raise ``ValueError`` unless ``x`` and ``mask`` fit a layer with ``in_channels`` inputs.

    Args:
        x (Tensor[N, in_channels, H, W]): layer input.
        mask (Tensor[N, M, H, W] or None): mask, where ``M`` must be one of ``mask_channels``;
            it must be a floating-point tensor.
        in_channels (int): channel count the layer was built for.
        mask_channels (sequence of int): accepted mask channel counts.
    """
    if x.dim() != 4 or x.shape[1] != in_channels:
        raise ValueError(f"expected x of shape [N, {in_channels}, H, W], got {tuple(x.shape)}")
    if mask is None:
        return
    allowed = " or ".join(str(c) for c in mask_channels)
    if (
        mask.dim() != 4
        or mask.shape[0] != x.shape[0]
        or mask.shape[-2:] != x.shape[-2:]
        or mask.shape[1] not in mask_channels
    ):
        raise ValueError(
            f"mask of shape {tuple(mask.shape)} does not fit x of shape {tuple(x.shape)}: "
            f"expected [{x.shape[0]}, {allowed}, {x.shape[2]}, {x.shape[3]}]"
        )
    if not mask.is_floating_point():
        raise ValueError(f"mask must be a floating-point tensor (1 = known), got {mask.dtype}")
