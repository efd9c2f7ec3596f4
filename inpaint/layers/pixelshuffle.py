"""Sub-pixel convolution upsampling (3x3 conv to ``out * scale**2`` channels + PixelShuffle).

Shi et al., "Real-Time Single Image and Video Super-Resolution Using an Efficient Sub-Pixel
Convolutional Neural Network" (CVPR 2016). The conv is initialised with ICNR (Aitken et al.,
"Checkerboard artifact free sub-pixel convolution", 2017): the ``scale**2`` filters feeding
one output channel start identical, so a fresh layer equals a 3x3 conv followed by
nearest-neighbour upsampling and has no checkerboard pattern.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from .base import MaskAgnosticUpsample


class PixelShuffleUpsample(MaskAgnosticUpsample):
    """3x3 conv (padding 1) to ``out_channels * scale**2`` channels, then ``nn.PixelShuffle``.

    Args:
        in_channels, out_channels, scale (int): as `MaskAgnosticUpsample` (scale default 2).
        bias (bool): add a learnable bias to the conv. Default: ``True``

    Attributes:
        conv (nn.Conv2d): ``in_channels -> out_channels * scale**2``; output channel
            ``c * scale**2 + i`` becomes sub-pixel ``i`` of channel ``c``.
        shuffle (nn.PixelShuffle): the channel-to-space rearrangement.
    """

    def __init__(
        self, in_channels: int, out_channels: int, scale: int = 2, bias: bool = True
    ) -> None:
        super().__init__(in_channels, out_channels, scale)
        self.conv = nn.Conv2d(in_channels, out_channels * scale**2, 3, padding=1, bias=bias)
        self.shuffle = nn.PixelShuffle(scale)
        self.reset_parameters()

    @torch.no_grad()
    def reset_parameters(self) -> None:
        """ICNR: ``nn.Conv2d`` initialisation of one filter per output channel, repeated."""
        sub = nn.Conv2d(self.in_channels, self.out_channels, 3, bias=self.conv.bias is not None)
        repeats = self.scale**2
        self.conv.weight.copy_(sub.weight.repeat_interleave(repeats, dim=0))
        if self.conv.bias is not None:
            self.conv.bias.copy_(sub.bias.repeat_interleave(repeats, dim=0))

    def compute(self, x: Tensor) -> Tensor:
        return self.shuffle(self.conv(x))
