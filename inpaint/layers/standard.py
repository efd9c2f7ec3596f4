"""Standard 2-D convolution (``nn.Conv2d``) behind the layer interface of this package.

LeCun et al., "Gradient-based learning applied to document recognition" (1998); the
arithmetic of padding, stride and dilation is that of the ``nn.Conv2d`` docs. The mask is
not used; it is passed on, resized (nearest) to the output grid.
"""

from __future__ import annotations

from torch import Tensor, nn

from .base import MaskAgnosticLayer
from .checks import IntPair, check_conv_args


class StandardConv2d(MaskAgnosticLayer, nn.Conv2d):
    """``nn.Conv2d`` whose ``forward`` takes and returns a mask.

    Args:
        in_channels (int): channels of ``x``.
        out_channels (int): channels of the output.
        kernel_size (int or tuple[int, int]): kernel height and width.
        stride (int or tuple[int, int]): distance between window centres. Default: 1
        padding (int or tuple[int, int]): zero padding on each side. Default: 0
        dilation (int or tuple[int, int]): spacing between kernel taps. Default: 1
        groups (int): blocked connections from input to output channels. Default: 1
        bias (bool): add a learnable bias. Default: ``True``
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: IntPair,
        stride: IntPair = 1,
        padding: IntPair = 0,
        dilation: IntPair = 1,
        groups: int = 1,
        bias: bool = True,
    ) -> None:
        kernel_size, stride, padding, dilation = check_conv_args(
            in_channels, out_channels, kernel_size, stride, padding, dilation, groups
        )
        super().__init__(
            in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias
        )

    def compute(self, x: Tensor) -> Tensor:
        return nn.Conv2d.forward(self, x)
