"""Name -> class registries for convolution and upsampling layers.

The generator asks these registries for its layers and never branches on a variant's name.
Anything that is not a string (a class, a ``functools.partial``) passes through unchanged and
is called with the same arguments, as in timm and LaMa.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from torch import nn

from .bottleneck import BottleneckConv2d
from .checks import IntPair
from .deformable import DeformableConv2d
from .dilated import DilatedConv2d
from .fourier import FourierConv2d
from .gated import GatedConv2d
from .partial import PartialConv2d
from .pixelshuffle import PixelShuffleUpsample
from .resize import ResizeUpsample
from .separable import SeparableConv2d
from .spatially_separable import SpatiallySeparableConv2d
from .standard import StandardConv2d
from .transposed import TransposedUpsample

LayerFactory = Callable[..., nn.Module]

CONVS: dict[str, LayerFactory] = {
    "bottleneck": BottleneckConv2d,
    "deformable": DeformableConv2d,
    "dilated": DilatedConv2d,
    "fourier": FourierConv2d,
    "gated": GatedConv2d,
    "partial": PartialConv2d,
    "separable": SeparableConv2d,
    "spatially_separable": SpatiallySeparableConv2d,
    "standard": StandardConv2d,
}

UPSAMPLES: dict[str, LayerFactory] = {
    "pixelshuffle": PixelShuffleUpsample,
    "resize": ResizeUpsample,
    "transposed": TransposedUpsample,
}


def _lookup(registry: dict[str, LayerFactory], kind: str, name: str | LayerFactory) -> LayerFactory:
    if isinstance(name, str):
        if name not in registry:
            raise ValueError(f"unknown {kind} {name!r}; known: {', '.join(sorted(registry))}")
        return registry[name]
    if not callable(name):
        raise TypeError(f"{kind} must be a registered name or a callable, got {name!r}")
    return name


def available_convs() -> list[str]:
    """Sorted names accepted by :func:`create_conv`."""
    return sorted(CONVS)


def available_upsamples() -> list[str]:
    """Sorted names accepted by :func:`create_upsample`."""
    return sorted(UPSAMPLES)


def create_conv(
    name: str | LayerFactory,
    in_channels: int,
    out_channels: int,
    kernel_size: IntPair,
    stride: IntPair = 1,
    padding: IntPair = 0,
    dilation: IntPair | None = None,
    groups: int = 1,
    bias: bool = True,
    **variant_kwargs: Any,
) -> nn.Module:
    """Build a convolution variant by name; ``forward(x, mask=None) -> (y, mask_out)``.

    Args:
        name (str or callable): one of :func:`available_convs`, or a class / factory that is
            called with the remaining arguments.
        in_channels, out_channels, kernel_size, stride, padding, groups, bias: as ``nn.Conv2d``.
        dilation (int or tuple[int, int], optional): forwarded only when given, so each
            variant's own default applies otherwise (1, but 2 for ``"dilated"``).
        **variant_kwargs: variant options, e.g. ``multi_channel`` (partial), ``activation``
            (gated), ``modulated`` / ``offset_groups`` (deformable), ``reduction`` (bottleneck).

    Raises:
        ValueError: unknown name (the message lists the known ones) or invalid arguments.

    Example:
        >>> conv = create_conv("partial", 64, 128, kernel_size=3, stride=2, padding=1)
    """
    if dilation is not None:
        variant_kwargs["dilation"] = dilation
    factory = _lookup(CONVS, "conv", name)
    return factory(
        in_channels,
        out_channels,
        kernel_size,
        stride=stride,
        padding=padding,
        groups=groups,
        bias=bias,
        **variant_kwargs,
    )


def create_upsample(
    name: str | LayerFactory,
    in_channels: int,
    out_channels: int,
    scale: int = 2,
    **variant_kwargs: Any,
) -> nn.Module:
    """Build an upsampling layer by name; ``forward(x, mask=None) -> (y, mask_out)``.

    Args:
        name (str or callable): one of :func:`available_upsamples`, or a class / factory.
        in_channels (int), out_channels (int): channels of input and output.
        scale (int): upsampling factor; the output is ``scale * H`` by ``scale * W``.
        **variant_kwargs: e.g. ``bias``; ``mode`` for ``"resize"``.

    Raises:
        ValueError: unknown name (the message lists the known ones) or invalid arguments.
    """
    factory = _lookup(UPSAMPLES, "upsample", name)
    return factory(in_channels, out_channels, scale=scale, **variant_kwargs)
