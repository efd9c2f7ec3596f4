"""Image-gradient L1: the generator is told directly about the edges and texture an L1 on
pixels lets it average away."""

from __future__ import annotations

from torch import Tensor
from torchmetrics.functional.image import image_gradients


def gradient_l1(composite: Tensor, target: Tensor) -> Tensor:
    """L1 between the vertical and horizontal one-pixel differences of `composite` and
    `target` ([N, C, H, W]), each normalised by the number of elements as `masked_l1` is.

    On the composite the known pixels equal the target's, so only differences that touch a
    hole pixel (the hole and its seam) contribute: no mask is needed.
    """
    dy_c, dx_c = image_gradients(composite)
    dy_t, dx_t = image_gradients(target)
    return (dy_c - dy_t).abs().mean() + (dx_c - dx_t).abs().mean()
