"""Nearest-neighbour mask resizing, by which a layer hands the mask on at its output size.

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
