"""Standard 2-D convolution (``nn.Conv2d``) behind the layer interface of this package.

LeCun et al., "Gradient-based learning applied to document recognition" (1998); the
arithmetic of padding, stride and dilation is that of the ``nn.Conv2d`` docs. The mask is
not used; it is passed on, resized (nearest) to the output grid.
"""

from __future__ import annotations

from typing import Any

from torch import Tensor, nn

from .base import MaskAgnosticLayer
from .checks import ConvArguments, IntPair


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

    default_dilation: IntPair = 1

    def __init__(self, *conv_args: Any, **conv_kwargs: Any) -> None:
        arguments = ConvArguments.bind(type(self).__name__, *conv_args, **conv_kwargs)
        super().__init__(*arguments.checked(self.default_dilation))

    def compute(self, x: Tensor) -> Tensor:
        return nn.Conv2d.forward(self, x)
