"""Upsampling by interpolation followed by a 3x3 convolution ("resize-convolution").

Odena et al., "Deconvolution and Checkerboard Artifacts" (Distill, 2016): resizing with
nearest or bilinear interpolation, then convolving, avoids the uneven overlap of transposed
convolutions.
"""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor, nn

from .base import MaskAgnosticUpsample

#: Interpolation modes accepted by :class:`ResizeUpsample` (``align_corners=False``).
MODES = ("bicubic", "bilinear", "nearest")


class ResizeUpsample(MaskAgnosticUpsample):
    """``F.interpolate(x, scale_factor=scale, mode=mode)`` then a 3x3 conv with padding 1.

    Args:
        in_channels, out_channels, scale (int): as `MaskAgnosticUpsample` (scale default 2).
        bias (bool): add a learnable bias to the conv. Default: ``True``
        mode (str): one of ``MODES``. Default: ``"nearest"``

    Attributes:
        conv (nn.Conv2d): the 3x3 conv applied after resizing.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        scale: int = 2,
        bias: bool = True,
        mode: str = "nearest",
    ) -> None:
        super().__init__(in_channels, out_channels, scale)
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; known: {', '.join(MODES)}")
        self.mode = mode
        self.conv = nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=bias)

    def compute(self, x: Tensor) -> Tensor:
        align = None if self.mode == "nearest" else False
        up = F.interpolate(x, scale_factor=self.scale, mode=self.mode, align_corners=align)
        return self.conv(up)

    def extra_repr(self) -> str:
        return super().extra_repr() + f", mode={self.mode!r}"
