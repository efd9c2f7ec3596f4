"""How the generator builds its convolutions and upsamplers from configuration.

A `BlockSpec` / `UpsampleSpec` is the parsed form of ``configs/model/block/<name>.yaml`` /
``configs/model/upsample/<name>.yaml``. The generator asks the layer registry for every conv
through `BlockSpec.conv` and never looks at the variant's name itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from torch import nn

from inpaint.layers import create_conv, create_upsample
from inpaint.layers.activations import build_activation


@dataclass(frozen=True)
class BlockSpec:
    """Which conv variant every generator conv uses.

    Attributes:
        name: registry name (see `inpaint.layers.available_convs`), or a class/partial.
        kwargs: extra keyword arguments for the variant (e.g. ``activation`` of gated conv).
        dilation: dilation of the encoder/decoder convs (2 for the ``dilated`` block); the
            generator's stem and head stay undilated.
        activation: activation applied after each conv (``identity`` for gated conv, whose
            ``act(F) * sigmoid(G)`` already is the nonlinearity).
        mask_input_channel: whether the generator's input gets the mask as a 4th channel.
            Partial conv receives the mask through its ``mask`` argument instead (Liu et al.).
    """

    name: Any
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    dilation: int = 1
    activation: str = "leaky_relu"
    mask_input_channel: bool = True

    @classmethod
    def parse(cls, spec: BlockSpec | Mapping[str, Any] | str) -> BlockSpec:
        if isinstance(spec, BlockSpec):
            return spec
        if isinstance(spec, str):
            return cls(name=spec)
        unknown = set(spec) - {"name", "kwargs", "dilation", "activation", "mask_input_channel"}
        if unknown:
            raise ValueError(f"unknown keys {sorted(unknown)} in block config {dict(spec)}")
        block = cls(**{k: (dict(v) if k == "kwargs" else v) for k, v in spec.items()})
        if block.dilation < 1:
            raise ValueError(f"block dilation must be >= 1, got {block.dilation}")
        build_activation(block.activation)  # validates the name now, not mid-build
        return block

    def conv(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int,
        stride: int = 1,
        dilation: int | None = None,
    ) -> nn.Module:
        """A 'same'-padded conv of this variant (output = ceil(input / stride))."""
        dilation = self.dilation if dilation is None else dilation
        padding = dilation * (kernel_size - 1) // 2
        return create_conv(
            self.name,
            in_channels,
            out_channels,
            kernel_size,
            stride=stride,
            padding=padding,
            dilation=dilation,
            **self.kwargs,
        )


@dataclass(frozen=True)
class UpsampleSpec:
    """Which upsampling layer the decoder uses (see `inpaint.layers.available_upsamples`)."""

    name: Any
    kwargs: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def parse(cls, spec: UpsampleSpec | Mapping[str, Any] | str) -> UpsampleSpec:
        if isinstance(spec, UpsampleSpec):
            return spec
        if isinstance(spec, str):
            return cls(name=spec)
        unknown = set(spec) - {"name", "kwargs"}
        if unknown:
            raise ValueError(f"unknown keys {sorted(unknown)} in upsample config {dict(spec)}")
        return cls(name=spec["name"], kwargs=dict(spec.get("kwargs", {})))

    def upsample(self, in_channels: int, out_channels: int) -> nn.Module:
        return create_upsample(self.name, in_channels, out_channels, scale=2, **self.kwargs)
