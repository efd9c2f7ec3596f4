"""Section 2b: the decoder's upsampling layers against a standard conv with the same output.

Each upsampler of the layer registry is built as the decoder builds it
(``create_upsample(name, C, C, scale=2)``) and maps ``N x C x H/2 x W/2`` to ``N x C x H x W``;
the reference is the ``standard`` block's ``k x k`` conv at stride 1 on ``N x C x H x W``, as in
the conv section. All are timed alone as ``inpaint.benchmark.layer_timing`` describes, in one
interleaved run. The upsamplers get the reference's free-form mask resized (nearest) to their
input, as the generator's masks reach its coarser levels.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import torch
from torch import Tensor

from inpaint.benchmark.layer_timing import (
    LayerCases,
    enough_recompiles,
    layer_cases,
    time_layers,
)
from inpaint.benchmark.settings import ConvSettings
from inpaint.layers import (
    available_upsamples,
    create_upsample,
    resize_mask,
)
from inpaint.models.block_spec import BlockSpec

REFERENCE = "standard"
SCALE = 2
#: Upsamplers listed first, in this order (the default first); any other follows by name.
UPSAMPLE_ORDER = ("transposed", "resize", "pixelshuffle")


def upsample_names() -> list[str]:
    """Every upsampler of the layer registry, in ``UPSAMPLE_ORDER`` first."""
    names = available_upsamples()
    first = [n for n in UPSAMPLE_ORDER if n in names]
    return first + [n for n in names if n not in first]


def benchmark_upsampling(
    reference_block: Mapping[str, Any],
    masks: Tensor,
    settings: ConvSettings,
    device: torch.device,
    seed: int,
    sync: Callable[[], None],
    compiled: bool = False,
) -> list[dict[str, Any]]:
    """Time, count and measure every upsampler and the reference conv, interleaved in one run.

    Args:
        reference_block: the ``standard`` block's ``model/block`` config.
        masks: Tensor[settings.batch, 1, settings.size, settings.size], 1 = known; the output
            size (``settings.size``) must be a multiple of 2.
        settings: batch, channels, output size, the reference's kernel size, and timing.
        device: where to run.
        seed: seeds the weights, inputs and output gradients.
        sync: called around each timed sample.
        compiled: also time every layer under ``torch.compile``.

    Returns:
        One row per layer, the reference first: ``layer, input_size, output_size, params,
        flops, flop_ratio, forward_ms, forward_ratio, fwd_bwd_ms, fwd_bwd_ratio,
        peak_memory_mb, repeats``, and with `compiled` ``compiled_forward_ms/_ratio,
        compiled_fwd_bwd_ms/_ratio, compile_s``; ratios are to the eager reference.
    """
    s = settings
    if s.size % SCALE:
        raise ValueError(f"the upsampling benchmark needs an output size divisible by {SCALE}")
    names = upsample_names()
    with enough_recompiles(1 + len(names)):
        return _timed_upsamplers(
            reference_block, names, masks.to(device), s, device, seed, sync, compiled
        )


def _timed_upsamplers(
    reference_block: Mapping[str, Any],
    names: list[str],
    mask: Tensor,
    s: ConvSettings,
    device: torch.device,
    seed: int,
    sync: Callable[[], None],
    compiled: bool,
) -> list[dict[str, Any]]:
    small = s.size // SCALE
    shapes = {
        REFERENCE: (s.batch, s.channels, s.size, s.size),
        **{name: (s.batch, s.channels, small, small) for name in names},
    }
    masks = {REFERENCE: mask, **dict.fromkeys(names, resize_mask(mask, (small, small)))}
    layers: dict[str, LayerCases] = {}
    for name, shape in shapes.items():
        torch.manual_seed(seed)
        if name == REFERENCE:
            layer = BlockSpec.parse(reference_block).conv(s.channels, s.channels, s.kernel_size)
        else:
            layer = create_upsample(name, s.channels, s.channels, scale=SCALE)
        layers[name] = layer_cases(layer, shape, masks[name], device, sync, compiled)
    timed = time_layers(layers, dict.fromkeys(layers, REFERENCE), s.timing, device, sync)
    return [
        {
            "layer": name,
            "input_size": shapes[name][-1],
            "output_size": s.size,
            "params": cases.params,
            "flops": cases.flops,
            "flop_ratio": cases.flops / layers[REFERENCE].flops,
        }
        | timed[name]
        for name, cases in layers.items()
    ]
