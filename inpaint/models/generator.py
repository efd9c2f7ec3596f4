"""U-Net encoder-decoder inpainting generator built from any conv variant.

Layout (Liu et al. 2018's partial-conv U-Net, with the dilated context convs of Iizuka et al.
2017 and DeepFill): a stem conv, ``len(widths) - 1`` levels each halving the resolution, an
optional stack of dilated convs at the coarsest level, and a decoder that upsamples,
concatenates the encoder's skip features and fuses them with a conv. The mask travels with the
features: every layer returns its output mask, partial conv shrinks the holes level by level
and the decoder's fusion conv sees the union of the known pixels of both inputs.

Level ``l`` is the resolution ``1 / 2 ** l`` of the input; stem, last fusion and head are at
level 0, the context convs at the coarsest level ``len(widths) - 1``. With ``outer_levels = k``
the convs of levels ``0 .. k-1`` come from ``outer_block`` instead of ``block``, as DCN (Dai et
al. 2017) puts deformable convs only in a network's deep stages: there the offsets see enough
context, and full-resolution sampling is what makes deformable convs slow. ``outer_levels =
-1`` keeps ``block`` for the coarsest level only, LaMa's arrangement for Fourier convs (plain
convs down to it, residual FFC blocks there: ``context_residual=True``).

`encoder_stages` and `coarsest_layer` name the layers that inspection hooks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import torch
from torch import Tensor, nn

from inpaint.layers.activations import build_activation
from inpaint.models.block_spec import BlockSpec, UpsampleSpec


class ConvUnit(nn.Module):
    """One conv of the chosen variant followed by the block's activation.

    forward(x [N, C_in, H, W], mask [N, 1, H, W] | None) -> (y [N, C_out, H', W'], mask_out)
    """

    def __init__(self, conv: nn.Module, activation: nn.Module) -> None:
        super().__init__()
        self.conv = conv
        self.activation = activation

    def forward(self, x: Tensor, mask: Tensor | None) -> tuple[Tensor, Tensor | None]:
        y, mask = self.conv(x, mask)
        return self.activation(y), mask


class UNetGenerator(nn.Module):
    """Inpainting generator: masked image + mask in, full RGB prediction out.

    Args:
        block: the conv variant (`BlockSpec` or its config mapping, e.g. ``{"name": "gated"}``).
        upsample: the decoder's upsampling (`UpsampleSpec` or mapping, e.g. ``{"name": "resize"}``).
        widths: channels per level; ``len(widths) - 1`` stride-2 downsamplings.
        stem_kernel_size: kernel of the first conv (large kernels help fill big holes).
        kernel_size: kernel of every other conv.
        convs_per_level: convs per encoder level (the first has stride 2).
        context_dilations: dilation rates of the context convs at the coarsest level; empty for
            none.
        context_residual: add each context conv's input to its output (ResNet-style blocks,
            as LaMa's FFC blocks).
        image_channels: channels of the image (3 for RGB).
        outer_levels: how many of the finest resolution levels are built from `outer_block`
            (0 = every conv is `block`; at most ``len(widths) - 1``, the coarsest level stays
            `block`); negative values count back from the coarsest level, so -1 = all but it.
        outer_block: the conv variant of those levels (spec or mapping like `block`).

    forward(image [N, 3, H, W] in [0, 1], mask [N, 1, H, W], 1 = known) -> [N, 3, H, W]: the
    raw prediction in image units (not clamped, not composited). H and W must be multiples of
    `size_multiple`.
    """

    def __init__(
        self,
        block: BlockSpec | Mapping[str, Any] | str = "standard",
        upsample: UpsampleSpec | Mapping[str, Any] | str = "transposed",
        widths: Sequence[int] = (32, 64, 128, 128),
        stem_kernel_size: int = 5,
        kernel_size: int = 3,
        convs_per_level: int = 2,
        context_dilations: Sequence[int] = (2, 4),
        context_residual: bool = False,
        image_channels: int = 3,
        outer_levels: int = 0,
        outer_block: BlockSpec | Mapping[str, Any] | str = "standard",
    ) -> None:
        super().__init__()
        self.block = BlockSpec.parse(block)
        self.outer_block = BlockSpec.parse(outer_block)
        self.upsample_spec = UpsampleSpec.parse(upsample)
        widths = list(widths)
        if len(widths) < 2 or any(w < 1 for w in widths):
            raise ValueError(f"widths must list >= 2 positive channel counts, got {widths}")
        if convs_per_level < 1:
            raise ValueError(f"convs_per_level must be >= 1, got {convs_per_level}")
        if any(d < 1 for d in context_dilations):
            raise ValueError(f"context_dilations must be >= 1, got {list(context_dilations)}")
        if not -len(widths) < outer_levels < len(widths):
            raise ValueError(
                f"outer_levels must be in {1 - len(widths)}..{len(widths) - 1} (levels above "
                f"the coarsest of widths {widths}; negative counts back from it), "
                f"got {outer_levels}"
            )
        self.outer_levels = outer_levels % len(widths)
        self.context_residual = context_residual
        self.widths = widths
        self.image_channels = image_channels

        def unit(
            level: int, cin: int, cout: int, k: int, stride: int = 1, dilation: int | None = None
        ) -> ConvUnit:
            spec = self.block_at(level)
            conv = spec.conv(cin, cout, k, stride=stride, dilation=dilation)
            return ConvUnit(conv, build_activation(spec.activation))

        in_channels = image_channels + int(self.block_at(0).mask_input_channel)
        # Stem and head are never dilated: a dilated stem followed by stride-2 dilated convs
        # would read only the even pixels (gridding), and the head would mix only one parity.
        self.stem = unit(0, in_channels, widths[0], stem_kernel_size, dilation=1)
        self.encoder = nn.ModuleList()
        for level, (cin, cout) in enumerate(zip(widths[:-1], widths[1:], strict=True), start=1):
            convs = [unit(level, cin, cout, kernel_size, stride=2)]
            convs += [unit(level, cout, cout, kernel_size) for _ in range(convs_per_level - 1)]
            self.encoder.append(nn.ModuleList(convs))
        coarsest = len(widths) - 1
        self.context = nn.ModuleList(
            unit(coarsest, widths[-1], widths[-1], kernel_size, dilation=d)
            for d in context_dilations
        )
        self.upsamplers = nn.ModuleList()
        self.fusions = nn.ModuleList()
        for level, cin, cout in zip(
            reversed(range(coarsest)), reversed(widths[1:]), reversed(widths[:-1]), strict=True
        ):
            self.upsamplers.append(self.upsample_spec.upsample(cin, cout))
            self.fusions.append(unit(level, 2 * cout, cout, kernel_size))
        self.head = self.block_at(0).conv(widths[0], image_channels, kernel_size, dilation=1)

    def block_at(self, level: int) -> BlockSpec:
        """The conv variant of the convs whose output is at resolution level `level`."""
        return self.outer_block if level < self.outer_levels else self.block

    def encoder_stages(self) -> list[tuple[str, nn.Module]]:
        """The layer that ends each encoder stage, in forward order: ``stem`` (level 0), then
        ``encoder.i``, the last conv of level ``i + 1``. Each returns ``(features, mask)`` at
        its level's resolution."""
        ends = [(f"encoder.{i}", level[-1]) for i, level in enumerate(self.encoder)]
        return [("stem", self.stem), *ends]

    def coarsest_layer(self) -> nn.Module:
        """The layer whose output is the coarsest features, where the decoder starts: the last
        context conv, else the last encoder conv."""
        return self.context[-1] if len(self.context) else self.encoder[-1][-1]

    @property
    def size_multiple(self) -> int:
        """Input height and width must be multiples of this (2 ** number of downsamplings)."""
        return 2 ** (len(self.widths) - 1)

    def forward(self, image: Tensor, mask: Tensor) -> Tensor:
        self._check_inputs(image, mask)
        x = (image * 2 - 1) * mask  # [-1, 1] with holes at 0, the neutral grey
        if self.block_at(0).mask_input_channel:
            x = torch.cat([x, mask], dim=1)
        x, m = self.stem(x, mask)
        skips = [(x, m)]
        for level in self.encoder:
            for layer in level:
                x, m = layer(x, m)
            skips.append((x, m))
        for layer in self.context:
            y, m = layer(x, m)
            x = x + y if self.context_residual else y
        skips.pop()  # the coarsest level is the decoder's input, not a skip
        for upsample, fuse in zip(self.upsamplers, self.fusions, strict=True):
            skip_x, skip_m = skips.pop()
            x, m = upsample(x, m)
            x, m = fuse(torch.cat([x, skip_x], dim=1), torch.maximum(m, skip_m))
        y, _ = self.head(x, m)
        return (y + 1) / 2

    def _check_inputs(self, image: Tensor, mask: Tensor) -> None:
        if image.ndim != 4 or image.shape[1] != self.image_channels:
            raise ValueError(
                f"image must be [N, {self.image_channels}, H, W], got {list(image.shape)}"
            )
        n, _, h, w = image.shape
        if mask.shape != (n, 1, h, w):
            raise ValueError(
                f"mask must be [{n}, 1, {h}, {w}] for this image, got {list(mask.shape)}"
            )
        if h % self.size_multiple or w % self.size_multiple:
            raise ValueError(
                f"image size {h}x{w} must be a multiple of {self.size_multiple} "
                f"(2 ** {len(self.widths) - 1} downsamplings)"
            )


def composite(prediction: Tensor, image: Tensor, mask: Tensor) -> Tensor:
    """Known pixels from `image`, holes from `prediction` (clamped to [0, 1]).

    Shapes: prediction, image [N, C, H, W]; mask [N, 1, H, W] with 1 = known.
    """
    return torch.where(mask > 0.5, image, prediction.clamp(0, 1))
