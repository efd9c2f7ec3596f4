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

from .arithmetic import check_positive_int
from .mask import check_inputs, resize_mask


class TransposedUpsample(nn.Module):
    """``nn.ConvTranspose2d`` upsampling by an integer ``scale``.

    Args:
        in_channels (int): channels of ``x``.
        out_channels (int): channels of the output.
        scale (int): upsampling factor. Default: 2
        bias (bool): add a learnable bias. Default: ``True``

    Attributes:
        conv (nn.ConvTranspose2d): kernel ``2 * scale - scale % 2``, stride ``scale``,
            padding ``scale // 2``.
    """

    def __init__(
        self, in_channels: int, out_channels: int, scale: int = 2, bias: bool = True
    ) -> None:
        super().__init__()
        check_positive_int(in_channels, "in_channels")
        check_positive_int(out_channels, "out_channels")
        check_positive_int(scale, "scale")
        self.in_channels = in_channels
        self.scale = scale
        self.conv = nn.ConvTranspose2d(
            in_channels, out_channels, 2 * scale - scale % 2, scale, scale // 2, bias=bias
        )

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
        y = self.conv(x)
        return y, resize_mask(mask, y.shape[-2:])

    def extra_repr(self) -> str:
        return f"scale={self.scale}"
