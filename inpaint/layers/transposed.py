"""Upsampling by transposed convolution.

Zeiler et al., "Deconvolutional Networks" (CVPR 2010); arithmetic from Dumoulin & Visin, "A
guide to convolution arithmetic for deep learning" (2016). The kernel is
``2 * scale - scale % 2`` with ``stride=scale`` and ``padding=scale // 2`` so the output is
exactly ``scale * H`` (``(H - 1) * s - 2 * (s // 2) + 2 * s - s % 2 = s * H``); for even
scales the kernel is a multiple of the stride, which avoids uneven overlap (Odena et al.,
"Deconvolution and Checkerboard Artifacts", Distill 2016).
"""

from __future__ import annotations

from torch import Tensor, nn

from .base import MaskAgnosticUpsample


class TransposedUpsample(MaskAgnosticUpsample):
    """``nn.ConvTranspose2d`` upsampling by an integer ``scale``.

    Args:
        in_channels, out_channels, scale (int): as `MaskAgnosticUpsample` (scale default 2).
        bias (bool): add a learnable bias. Default: ``True``

    Attributes:
        conv (nn.ConvTranspose2d): kernel ``2 * scale - scale % 2``, stride ``scale``,
            padding ``scale // 2``.
    """

    def __init__(
        self, in_channels: int, out_channels: int, scale: int = 2, bias: bool = True
    ) -> None:
        super().__init__(in_channels, out_channels, scale)
        self.conv = nn.ConvTranspose2d(
            in_channels, out_channels, 2 * scale - scale % 2, scale, scale // 2, bias=bias
        )

    def compute(self, x: Tensor) -> Tensor:
        return self.conv(x)
