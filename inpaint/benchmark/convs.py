"""Section 2: one convolution of every variant, as the generator builds it.

Each variant is built by its ``model/block`` config (``BlockSpec.conv``: 'same' padding, the
block's dilation and keyword arguments) and timed alone as ``inpaint.benchmark.layer_timing``
describes (channels-last, forward under ``torch.no_grad()``, forward+backward, optionally
compiled), every variant with the same free-form mask, against ``standard`` at the same stride.
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
from inpaint.models.block_spec import BlockSpec

REFERENCE = "standard"


def benchmark_convs(
    blocks: Mapping[str, Mapping[str, Any]],
    masks: Tensor,
    settings: ConvSettings,
    device: torch.device,
    seed: int,
    sync: Callable[[], None],
    compiled: bool = False,
) -> list[dict[str, Any]]:
    """Time, count and measure one conv of every block, interleaved in one run.

    Args:
        blocks: block name -> its ``model/block`` config; must include ``standard``.
        masks: Tensor[settings.batch, 1, settings.size, settings.size], 1 = known.
        settings: shape and timing.
        device: where to run.
        seed: seeds the weights, input and output gradient.
        sync: called around each timed sample.
        compiled: also time every conv under ``torch.compile``.

    Returns:
        One row per (stride, block): ``variant, stride, params, flops, forward_ms,
        forward_ratio, fwd_bwd_ms, fwd_bwd_ratio, peak_memory_mb, repeats``, and with
        `compiled` ``compiled_forward_ms/_ratio, compiled_fwd_bwd_ms/_ratio, compile_s``;
        ratios are paired medians against the eager ``standard`` at the same stride.
    """
    if REFERENCE not in blocks:
        raise ValueError(f"the conv benchmark needs the {REFERENCE!r} block as its reference")
    s = settings
    mask = masks.to(device)
    with enough_recompiles(len(blocks) * len(s.strides)):
        return _timed_convs(blocks, mask, s, device, seed, sync, compiled)


def _timed_convs(
    blocks: Mapping[str, Any],
    mask: Tensor,
    s: ConvSettings,
    device: torch.device,
    seed: int,
    sync: Callable[[], None],
    compiled: bool,
) -> list[dict[str, Any]]:
    layers: dict[str, LayerCases] = {}
    references: dict[str, str] = {}
    shape = (s.batch, s.channels, s.size, s.size)
    for stride in s.strides:
        for name, block_cfg in blocks.items():
            torch.manual_seed(seed)
            conv = BlockSpec.parse(block_cfg).conv(s.channels, s.channels, s.kernel_size, stride)
            key = f"{name}/{stride}"
            layers[key] = layer_cases(conv, shape, mask, device, sync, compiled)
            references[key] = f"{REFERENCE}/{stride}"
    timed = time_layers(layers, references, s.timing, device, sync)
    rows = []
    for stride in s.strides:
        for name in blocks:
            cases = layers[key := f"{name}/{stride}"]
            row = {"variant": name, "stride": stride, "params": cases.params, "flops": cases.flops}
            rows.append(row | timed[key])
    return rows
