"""Spatially-separable convolution: a ``kh x 1`` conv then a ``1 x kw`` conv.

Jaderberg, Vedaldi & Zisserman, "Speeding up Convolutional Neural Networks with Low Rank
Expansions" (BMVC 2014), scheme 2; Szegedy et al., "Rethinking the Inception Architecture for
Computer Vision" (CVPR 2016), factorising ``n x n`` into ``1 x n`` and ``n x 1``. The vertical
conv maps ``C_in -> mid`` channels, the horizontal one ``mid -> C_out``; together they equal
one ``kh x kw`` conv with the composed kernel (per group)

    W[o, i, a, b] = sum_m h[o, m, b] * v[m, i, a]

i.e. ``W`` read as a ``(C_out * kw) x (C_in * kh)`` matrix has rank at most ``mid / groups``
per group. With one channel per group (``groups = in = out = mid``) every channel's kernel is
the rank-1 outer product ``v h^T``. Weights: ``mid * (C_in * kh + C_out * kw) / groups``
instead of ``C_in * C_out * kh * kw / groups``. No activation sits between the two, so the
layer is a drop-in (low-rank) replacement of one convolution.
"""

from __future__ import annotations

from typing import Any

from torch import Tensor, nn

from .base import MaskAgnosticConv
from .checks import check_positive_int


class SpatiallySeparableConv2d(MaskAgnosticConv):
    """``kh x 1`` conv ``in -> mid`` then ``1 x kw`` conv ``mid -> out``.

    The vertical conv carries the height components of stride, padding and dilation, the
    horizontal one the width components, so the output grid is that of ``nn.Conv2d`` with the
    same arguments.

    Args:
        in_channels, out_channels, kernel_size, stride, padding, dilation: as ``nn.Conv2d``.
        groups (int): groups of both convs; must divide ``mid_channels``. Default: 1
        bias (bool): bias on the horizontal conv only; a vertical bias would pass linearly
            through it (and, at zero-padded borders, give no single ``kh x kw`` conv).
            Default: ``True``
        mid_channels (int, optional): channels between the two convs. Default:
            ``min(in_channels, out_channels)``, which keeps the weights at most ``2 / k`` of a
            full ``k x k`` conv's (equal to it when ``in_channels == out_channels``).

    Attributes:
        vertical (nn.Conv2d): ``in_channels -> mid_channels``, ``(kh, 1)`` kernel, no bias.
        horizontal (nn.Conv2d): ``mid_channels -> out_channels``, ``(1, kw)`` kernel.
    """

    def __init__(
        self,
        *conv_args: Any,
        mid_channels: int | None = None,
        **conv_kwargs: Any,
    ) -> None:
        super().__init__(*conv_args, **conv_kwargs)
        in_channels, out_channels, groups = self.in_channels, self.out_channels, self.groups
        mid = min(in_channels, out_channels) if mid_channels is None else mid_channels
        check_positive_int(mid, "mid_channels")
        if mid % groups:
            raise ValueError(f"mid_channels ({mid}) must be divisible by groups ({groups})")
        self.mid_channels = mid
        (kh, kw), (sh, sw) = self.kernel_size, self.stride
        (ph, pw), (dh, dw) = self.padding, self.dilation
        self.vertical = nn.Conv2d(
            in_channels, mid, (kh, 1), (sh, 1), (ph, 0), (dh, 1), groups, False
        )
        self.horizontal = nn.Conv2d(
            mid, out_channels, (1, kw), (1, sw), (0, pw), (1, dw), groups, self.has_bias
        )

    def compute(self, x: Tensor) -> Tensor:
        return self.horizontal(self.vertical(x))

    def extra_repr(self) -> str:
        s = super().extra_repr()
        if self.mid_channels != min(self.in_channels, self.out_channels):
            s += f", mid_channels={self.mid_channels}"
        return s
