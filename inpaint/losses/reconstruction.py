"""Pixel losses of Liu et al. 2018 (partial conv, Sec. 3.2): L1 on known and on hole pixels, and
total variation over the hole's one-pixel border region."""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor


def masked_l1(prediction: Tensor, target: Tensor, mask: Tensor) -> tuple[Tensor, Tensor]:
    """(L1 on known pixels, L1 on hole pixels), each normalised by the number of elements
    of the whole image as in the paper, so weights 1 and 6 mean what they mean there.

    Shapes: prediction, target [N, C, H, W]; mask [N, 1, H, W], 1 = known.
    """
    error = (prediction - target).abs()
    return (error * mask).mean(), (error * (1 - mask)).mean()


def hole_total_variation(composite: Tensor, mask: Tensor) -> Tensor:
    """Total variation (L1 of horizontal and vertical differences) of `composite` on the
    hole region dilated by one pixel (the paper's region P). Shapes as in `masked_l1`."""
    region = F.max_pool2d(1 - mask, kernel_size=3, stride=1, padding=1)
    dx = (composite[..., :, 1:] - composite[..., :, :-1]).abs()
    dy = (composite[..., 1:, :] - composite[..., :-1, :]).abs()
    in_x = region[..., :, 1:] * region[..., :, :-1]
    in_y = region[..., 1:, :] * region[..., :-1, :]
    return (dx * in_x).mean() + (dy * in_y).mean()
