"""Fast Fourier convolution (FFC).

Chi, Jiang & Mu, "Fast Fourier Convolution" (NeurIPS 2020); as used for inpainting by Suvorov
et al., "Resolution-robust Large Mask Inpainting with Fourier Convolutions" (WACV 2022, LaMa).
The channels are split into a local part (the first ``in_channels - int(ratio_gin *
in_channels)``) and a global part (the rest); the output is split the same way by
``ratio_gout``::

    y_local  = conv_l2l(x_local) + conv_g2l(x_global)
    y_global = conv_l2g(x_local) + spectral(x_global)

The three ``conv_*`` are ordinary ``k x k`` convs. ``spectral`` is LaMa's SpectralTransform:
a 1x1 conv (+ BN + ReLU) halving the channels, a :class:`FourierUnit` (a 1x1 conv + BN + ReLU
applied to the real and imaginary parts of ``rfft2`` of the feature map, so every output pixel
depends on every input pixel), an optional local Fourier unit on the four quadrants, and a 1x1
conv back. At stride 2 the global path is average-pooled to the output grid before the FFT.
The layer returns ``cat([y_local, y_global])``, so the next FFC splits it again.
"""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .arithmetic import conv_output_size
from .base import MaskAgnosticConv


def _check_ratio(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(f"{name} must be a number in [0, 1], got {value!r}")
    return float(value)


def _at_least_float32(x: Tensor) -> Tensor:
    return x if x.dtype in (torch.float32, torch.float64) else x.float()


class FourierUnit(nn.Module):
    """A 1x1 conv + BN + ReLU in the frequency domain (LaMa's ``FourierUnit``).

    ``Z = rfft2(x, norm="ortho")``; ``[Re Z, Im Z]`` stacked as ``2 * in_channels`` channels
    (channel ``2c`` is ``Re Z_c``, ``2c + 1`` is ``Im Z_c``) go through ``conv`` / ``norm`` /
    ``activation``; the result is read back as a complex spectrum and ``irfft2`` returns to the
    exact input size. The transforms run in float32 (CPU and half-precision FFTs of
    non-power-of-two sizes do not exist), whatever autocast is doing.

    Args:
        in_channels (int), out_channels (int): channels of the spatial input and output.

    forward(x [N, in_channels, H, W]) -> [N, out_channels, H, W]
    """

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(2 * in_channels, 2 * out_channels, 1, bias=False)
        self.norm = nn.BatchNorm2d(2 * out_channels)
        self.activation = nn.ReLU(inplace=True)

    def forward(self, x: Tensor) -> Tensor:
        n, _, h, w = x.shape
        with torch.autocast(x.device.type, enabled=False):
            spectrum = torch.fft.rfft2(_at_least_float32(x), norm="ortho")  # [N, C, H, W//2+1]
        stacked = torch.view_as_real(spectrum).permute(0, 1, 4, 2, 3).reshape(n, -1, h, w // 2 + 1)
        y = self.activation(self.norm(self.conv(stacked.to(x.dtype))))
        y = _at_least_float32(y).reshape(n, -1, 2, h, w // 2 + 1).permute(0, 1, 3, 4, 2)
        with torch.autocast(x.device.type, enabled=False):
            out = torch.fft.irfft2(torch.view_as_complex(y.contiguous()), s=(h, w), norm="ortho")
        return out.to(x.dtype)


class SpectralTransform(nn.Module):
    """LaMa's global->global path: reduce, Fourier unit (+ local Fourier unit), expand.

    ``y = expand(z + fourier(z) + local_fourier(z))`` with ``z = reduce(pool(x))``, where
    ``pool`` averages ``x`` onto the ``output_size`` grid when that is smaller (stride 2).

    Args:
        in_channels (int), out_channels (int): channels of the global parts.
        enable_lfu (bool): add the local Fourier unit: the first quarter of ``z``'s channels,
            cut into 2x2 spatial quadrants stacked as channels, through a Fourier unit and
            tiled back (Chi et al.'s semi-global context). Needs ``out_channels // 2``
            divisible by 4 and an even output grid. Default: ``False``

    forward(x [N, in_channels, H, W], output_size (H', W')) -> [N, out_channels, H', W']
    """

    def __init__(self, in_channels: int, out_channels: int, enable_lfu: bool = False) -> None:
        super().__init__()
        hidden = max(1, out_channels // 2)
        if enable_lfu and hidden % 4:
            raise ValueError(
                f"enable_lfu needs the spectral hidden channels (out global channels // 2 = "
                f"{hidden}) to be divisible by 4"
            )
        self.reduce = nn.Sequential(
            nn.Conv2d(in_channels, hidden, 1, bias=False),
            nn.BatchNorm2d(hidden),
            nn.ReLU(inplace=True),
        )
        self.fourier = FourierUnit(hidden, hidden)
        self.local_fourier = FourierUnit(hidden, hidden) if enable_lfu else None
        self.expand = nn.Conv2d(hidden, out_channels, 1, bias=False)

    def forward(self, x: Tensor, output_size: tuple[int, int]) -> Tensor:
        if tuple(x.shape[-2:]) != tuple(output_size):
            x = F.adaptive_avg_pool2d(x, output_size)
        z = self.reduce(x)
        y = z + self.fourier(z)
        if self.local_fourier is not None:
            y = y + self._local(z)
        return self.expand(y)

    def _local(self, z: Tensor) -> Tensor:
        h, w = z.shape[-2:]
        if h % 2 or w % 2:
            raise ValueError(f"the local Fourier unit needs an even grid, got {h}x{w}")
        quarter = z[:, : z.shape[1] // 4]
        quadrants = torch.cat(
            [q for half in quarter.split(h // 2, dim=-2) for q in half.split(w // 2, dim=-1)],
            dim=1,
        )
        return self.local_fourier(quadrants).repeat(1, 1, 2, 2)


class FourierConv2d(MaskAgnosticConv):
    """Fast Fourier convolution with the ``nn.Conv2d`` signature.

    Args:
        in_channels, out_channels, kernel_size, stride, padding, dilation, bias: as
            ``nn.Conv2d``; kernel, stride, padding and dilation apply to the three local
            convs, the stride also to the global path. ``bias`` adds one learnable bias per
            output channel (the four paths themselves have none).
        groups (int): only 1 is supported.
        ratio_gin (float): fraction of input channels that are global. Default: 0.75
        ratio_gout (float): fraction of output channels that are global. Default: 0.75
        enable_lfu (bool): add the local Fourier unit (see :class:`SpectralTransform`).
            Default: ``False`` (as LaMa's big model)

    Attributes:
        in_global, out_global (int): the global channel counts ``int(ratio * channels)``.
        local_to_local, local_to_global, global_to_local (nn.Conv2d or None): absent when one
            of their sides has no channels.
        global_to_global (SpectralTransform or None).
    """

    def __init__(
        self,
        *conv_args: Any,
        ratio_gin: float = 0.75,
        ratio_gout: float = 0.75,
        enable_lfu: bool = False,
        **conv_kwargs: Any,
    ) -> None:
        super().__init__(*conv_args, **conv_kwargs)
        if self.groups != 1:
            raise ValueError(f"fourier conv supports groups=1 only, got groups={self.groups}")
        self.ratio_gin = _check_ratio(ratio_gin, "ratio_gin")
        self.ratio_gout = _check_ratio(ratio_gout, "ratio_gout")
        self.enable_lfu = enable_lfu
        self.in_global = int(self.in_channels * self.ratio_gin)
        self.out_global = int(self.out_channels * self.ratio_gout)
        in_local = self.in_channels - self.in_global
        out_local = self.out_channels - self.out_global

        def local_conv(cin: int, cout: int) -> nn.Conv2d | None:
            return self.make_conv(cin, cout, bias=False) if cin and cout else None

        self.local_to_local = local_conv(in_local, out_local)
        self.local_to_global = local_conv(in_local, self.out_global)
        self.global_to_local = local_conv(self.in_global, out_local)
        self.global_to_global = (
            SpectralTransform(self.in_global, self.out_global, enable_lfu)
            if self.in_global and self.out_global
            else None
        )
        self.bias = nn.Parameter(torch.empty(self.out_channels)) if self.has_bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        for module in self.modules():
            if module is not self and hasattr(module, "reset_parameters"):
                module.reset_parameters()
        if self.bias is not None:
            # nn.Conv2d's bias init with the fan-in of the full k x k conv this layer replaces
            bound = 1 / math.sqrt(self.in_channels * math.prod(self.kernel_size))
            nn.init.uniform_(self.bias, -bound, bound)

    def output_size(self, height: int, width: int) -> tuple[int, int]:
        """(H_out, W_out) of an input of ``height`` x ``width`` (the local convs' grid)."""
        return tuple(
            conv_output_size(size, k, s, p, d)
            for size, k, s, p, d in zip(
                (height, width),
                self.kernel_size,
                self.stride,
                self.padding,
                self.dilation,
                strict=True,
            )
        )

    def compute(self, x: Tensor) -> Tensor:
        """``cat([y_local, y_global])`` for ``x`` whose channels ``[:in_channels - in_global]``
        are local, the rest global."""
        size = self.output_size(*x.shape[-2:])
        x_local, x_global = x.split([self.in_channels - self.in_global, self.in_global], dim=1)
        y_local = self._sum((self.local_to_local, x_local), (self.global_to_local, x_global))
        y_global = self._sum((self.local_to_global, x_local))
        if self.global_to_global is not None:
            spectral = self.global_to_global(x_global, size)
            y_global = spectral if y_global is None else y_global + spectral
        y = torch.cat([part for part in (y_local, y_global) if part is not None], dim=1)
        if self.bias is not None:
            y = y + self.bias.view(1, -1, 1, 1).to(y.dtype)
        return y

    @staticmethod
    def _sum(*paths: tuple[nn.Module | None, Tensor]) -> Tensor | None:
        outputs = [conv(part) for conv, part in paths if conv is not None]
        return sum(outputs[1:], outputs[0]) if outputs else None

    def extra_repr(self) -> str:
        s = super().extra_repr() + f", ratio_gin={self.ratio_gin}, ratio_gout={self.ratio_gout}"
        return s + (", enable_lfu=True" if self.enable_lfu else "")
