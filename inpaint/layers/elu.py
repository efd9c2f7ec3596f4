"""ELU (alpha = 1) evaluated with ``exp`` instead of ``expm1``.

``elu(x) = x if x > 0 else exp(x) - 1``, written as ``max(x, exp(min(x, 0)) - 1)`` (for x <= 0,
``exp(x) - 1 >= x``). torch's CPU ``elu`` and inductor's CPU code both evaluate ``expm1``
element by element, about 8x slower than the vectorised ``exp`` on 2M floats: with it, the
activation takes half of a gated conv's element-wise time. ``exp(x) - 1`` differs from ``expm1(x)``
by at most 6e-8 absolutely (rounding near 0), far below float32 training noise. The backward is
torch's ``elu_backward`` on the saved output, one pass.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn


def exp_elu(x: Tensor) -> Tensor:
    """``elu(x)`` as ``max(x, exp(min(x, 0)) - 1)``, without autograd; same shape and layout."""
    y = x.clamp(max=0).exp_().sub_(1)  # one new tensor: large ones cost page faults on CPU
    return torch.maximum(x, y, out=y)


def elu_backward(grad_y: Tensor, y: Tensor, out: Tensor | None = None) -> Tensor:
    """``grad_y * d elu / dx`` from the output ``y`` (``1`` where ``y > 0``, else ``y + 1``),
    written into `out` when given."""
    if out is None:
        return torch.ops.aten.elu_backward(grad_y, 1.0, 1, 1, True, y)
    return torch.ops.aten.elu_backward.grad_input(grad_y, 1.0, 1, 1, True, y, grad_input=out)


class _ExpELU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:  # type: ignore[override]
        y = exp_elu(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_y: Tensor) -> Tensor:  # type: ignore[override]
        (y,) = ctx.saved_tensors
        return elu_backward(grad_y, y)


class ELU(nn.Module):
    """``nn.ELU()`` (alpha = 1) computed with ``exp``: same values within 6e-8, faster on CPU.

    Shape: any; the output has the input's shape and memory format.
    """

    def forward(self, x: Tensor) -> Tensor:
        return _ExpELU.apply(x)
