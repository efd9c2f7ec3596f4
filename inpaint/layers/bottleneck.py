"""Bottleneck convolution: 1x1 reduce, ``k x k``, 1x1 expand.

He et al., "Deep Residual Learning for Image Recognition" (CVPR 2016), bottleneck design;
with ``groups > 1`` on the middle conv, Xie et al., "Aggregated Residual Transformations"
(ResNeXt, CVPR 2017). The middle width is ``max(1, out_channels // reduction)`` as in ResNet
(256 -> 64 -> 64 -> 256 for ``reduction=4``: 69,632 weights against 589,824 for one 3x3
256 -> 256 conv). No activation sits between the three convs, so the layer is a drop-in
(low-rank) replacement of one convolution; the surrounding block adds the nonlinearity.
"""

from __future__ import annotations

from typing import Any

from torch import Tensor, nn

from .base import MaskAgnosticConv
from .checks import ConvArguments, check_positive_int


class BottleneckConv2d(MaskAgnosticConv):
    """1x1 ``in -> mid``, ``k x k`` ``mid -> mid``, 1x1 ``mid -> out``.

    Args:
        in_channels, out_channels, kernel_size, stride, padding, dilation: as ``nn.Conv2d``;
            kernel, stride, padding and dilation apply to the middle conv.
        groups (int): groups of the middle conv; must divide ``mid_channels``. Default: 1
        bias (bool): bias on the expanding conv only. Default: ``True``
        reduction (int): ``mid_channels = max(1, out_channels // reduction)``. Default: 4

    Attributes:
        reduce (nn.Conv2d), conv (nn.Conv2d), expand (nn.Conv2d): the three convs.
    """

    def __init__(self, *conv_args: Any, reduction: int = 4, **conv_kwargs: Any) -> None:
        arguments = ConvArguments.bind(type(self).__name__, *conv_args, **conv_kwargs)
        # groups split the middle conv only: checked against mid_channels, not the channels
        super().__init__(*arguments._replace(groups=1))
        check_positive_int(reduction, "reduction")
        mid = max(1, self.out_channels // reduction)
        groups = arguments.groups
        if mid % check_positive_int(groups, "groups"):
            raise ValueError(
                f"mid_channels ({mid} = max(1, out_channels // reduction)) must be divisible "
                f"by groups ({groups})"
            )
        self.groups = groups
        self.mid_channels = mid
        self.reduction = reduction
        self.reduce = nn.Conv2d(self.in_channels, mid, 1, bias=False)
        self.conv = self.make_conv(mid, mid, bias=False)
        self.expand = nn.Conv2d(mid, self.out_channels, 1, bias=self.has_bias)

    def compute(self, x: Tensor) -> Tensor:
        return self.expand(self.conv(self.reduce(x)))

    def extra_repr(self) -> str:
        return super().extra_repr() + f", reduction={self.reduction}"
