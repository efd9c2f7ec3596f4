"""Upsampling by interpolation followed by a 3x3 convolution ("resize-convolution").

Odena et al., "Deconvolution and Checkerboard Artifacts" (Distill, 2016): resizing with
nearest or bilinear interpolation, then convolving, avoids the uneven overlap of transposed
convolutions.
"""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor, nn

from .arithmetic import check_positive_int
from .mask import check_inputs, resize_mask

#: Interpolation modes accepted by :class:`ResizeUpsample` (``align_corners=False``).
MODES = ("bicubic", "bilinear", "nearest")


class ResizeUpsample(nn.Module):
    """``F.interpolate(x, scale_factor=scale, mode=mode)`` then a 3x3 conv with padding 1.

    Args:
        in_channels (int): channels of ``x``.
        out_channels (int): channels of the output.
        scale (int): upsampling factor. Default: 2
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
        super().__init__()
        check_positive_int(in_channels, "in_channels")
        check_positive_int(out_channels, "out_channels")
        check_positive_int(scale, "scale")
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; known: {', '.join(MODES)}")
        self.in_channels = in_channels
        self.scale = scale
        self.mode = mode
        self.conv = nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=bias)

    def reset_parameters(self) -> None:
        self.conv.reset_parameters()

    def forward(self, x: Tensor, mask: Tensor | None = None) -> tuple[Tensor, Tensor | None]:
        """
        Args:
            x (Tensor[N, in_channels, H, W]): input.
            mask (Tensor[N, 1 or in_channels, H, W], optional): 1 = known, 0 = hole.

        Returns:
            tuple[Tensor[N, out_channels, scale * H, scale * W], Tensor[N, 1 or in_channels,
            scale * H, scale * W] or None]: output and ``mask`` resized (nearest) to its size.
        """
        check_inputs(x, mask, self.in_channels, (1, self.in_channels))
        align = None if self.mode == "nearest" else False
        up = F.interpolate(x, scale_factor=self.scale, mode=self.mode, align_corners=align)
        y = self.conv(up)
        return y, resize_mask(mask, y.shape[-2:])

    def extra_repr(self) -> str:
        return f"scale={self.scale}, mode={self.mode!r}"
