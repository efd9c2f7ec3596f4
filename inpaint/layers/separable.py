"""Depthwise-separable convolution.

Sifre, "Rigid-Motion Scattering for Image Classification" (PhD thesis, 2014); Chollet,
"Xception: Deep Learning with Depthwise Separable Convolutions" (CVPR 2017); Howard et al.,
"MobileNets" (2017). A ``k x k`` depthwise conv (one filter per input channel) followed by a
1x1 pointwise conv: ``C_in * k * k + C_in * C_out / groups`` weights instead of
``C_in * C_out * k * k``. No activation sits between the two, so the layer is a drop-in
(low-rank) replacement of one convolution.
"""

from __future__ import annotations

from torch import Tensor, nn

from .arithmetic import IntPair, check_conv_args, conv_extra_repr
from .mask import check_inputs, resize_mask


class SeparableConv2d(nn.Module):
    """Depthwise ``k x k`` conv then pointwise 1x1 conv.

    Args:
        in_channels, out_channels, kernel_size, stride, padding, dilation: as ``nn.Conv2d``;
            kernel, stride, padding and dilation apply to the depthwise conv.
        groups (int): groups of the pointwise conv (grouped 1x1). Default: 1
        bias (bool): bias on the pointwise conv only; a depthwise bias would pass linearly
            into it (as in Keras ``SeparableConv2D``). Default: ``True``

    Attributes:
        depthwise (nn.Conv2d): ``in_channels -> in_channels``, ``groups=in_channels``, no bias.
        pointwise (nn.Conv2d): ``in_channels -> out_channels``, 1x1.
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
        super().__init__()
        kernel_size, stride, padding, dilation = check_conv_args(
            in_channels, out_channels, kernel_size, stride, padding, dilation, groups
        )
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.depthwise = nn.Conv2d(
            in_channels, in_channels, kernel_size, stride, padding, dilation, in_channels, False
        )
        self.pointwise = nn.Conv2d(in_channels, out_channels, 1, groups=groups, bias=bias)

    def reset_parameters(self) -> None:
        self.depthwise.reset_parameters()
        self.pointwise.reset_parameters()

    def forward(self, x: Tensor, mask: Tensor | None = None) -> tuple[Tensor, Tensor | None]:
        """
        Args:
            x (Tensor[N, in_channels, H, W]): input.
            mask (Tensor[N, 1 or in_channels, H, W], optional): 1 = known, 0 = hole; unused.

        Returns:
            tuple[Tensor[N, out_channels, H_out, W_out], Tensor[N, 1 or in_channels, H_out,
            W_out] or None]: output and ``mask`` resized (nearest) to its size.
        """
        check_inputs(x, mask, self.in_channels, (1, self.in_channels))
        y = self.pointwise(self.depthwise(x))
        return y, resize_mask(mask, y.shape[-2:])

    def extra_repr(self) -> str:
        dw, pw = self.depthwise, self.pointwise
        return conv_extra_repr(
            self.in_channels,
            self.out_channels,
            dw.kernel_size,
            dw.stride,
            dw.padding,
            dw.dilation,
            pw.groups,
            pw.bias is not None,
        )
