"""Section 2: one convolution of every variant, as the generator builds it.

Each variant is built by its ``model/block`` config (``BlockSpec.conv``: 'same' padding, the
block's dilation and keyword arguments), with channels-last weights and a channels-last input
that requires a gradient, as inside the training generator (``InpaintModule`` keeps the
generator channels-last). Every variant gets the same free-form mask; the forward pass runs
under ``torch.no_grad()`` (inference); forward+backward starts from freed gradients
(``zero_grad(set_to_none=True)``, as training does) and back-propagates a fixed random
output gradient.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import torch
from torch import Tensor, nn

from inpaint.benchmark.memory import peak_memory_bytes
from inpaint.benchmark.settings import ConvSettings
from inpaint.benchmark.timing import paired_ratio, time_interleaved
from inpaint.layers import count_flops, count_params
from inpaint.models.block_spec import BlockSpec

REFERENCE = "standard"


def _forward_and_backward(
    conv: nn.Module, x: Tensor, mask: Tensor, grad: Tensor
) -> Callable[[], None]:
    def run() -> None:
        conv.zero_grad(set_to_none=True)
        x.grad = None
        y, _ = conv(x, mask)
        y.backward(grad)

    return run


def _forward(conv: nn.Module, x: Tensor, mask: Tensor) -> Callable[[], None]:
    def run() -> None:
        with torch.no_grad():
            conv(x, mask)

    return run


def benchmark_convs(
    blocks: Mapping[str, Mapping[str, Any]],
    masks: Tensor,
    settings: ConvSettings,
    device: torch.device,
    seed: int,
    sync: Callable[[], None],
) -> list[dict[str, Any]]:
    """Time, count and measure one conv of every block, interleaved in one run.

    Args:
        blocks: block name -> its ``model/block`` config; must include ``standard``.
        masks: Tensor[settings.batch, 1, settings.size, settings.size], 1 = known.
        settings: shape and timing.
        device: where to run.
        seed: seeds the weights, input and output gradient.
        sync: called around each timed sample.

    Returns:
        One row per (stride, block): ``variant, stride, params, flops, forward_ms,
        forward_ratio, fwd_bwd_ms, fwd_bwd_ratio, peak_memory_mb, repeats``; ratios are
        paired medians against ``standard`` at the same stride.
    """
    if REFERENCE not in blocks:
        raise ValueError(f"the conv benchmark needs the {REFERENCE!r} block as its reference")
    s = settings
    channels_last = torch.channels_last
    mask = masks.to(device)
    cases: dict[tuple[str, int, str], Callable[[], None]] = {}
    counts: dict[tuple[str, int], tuple[int, int]] = {}
    for stride in s.strides:
        for name, block_cfg in blocks.items():
            torch.manual_seed(seed)
            conv = BlockSpec.parse(block_cfg).conv(s.channels, s.channels, s.kernel_size, stride)
            conv = conv.to(device, memory_format=channels_last)
            shape = (s.batch, s.channels, s.size, s.size)
            x = torch.randn(shape, device=device).contiguous(memory_format=channels_last)
            x.requires_grad_(True)
            with torch.no_grad():
                out_shape = conv(x, mask)[0].shape
            grad = torch.randn(out_shape, device=device).contiguous(memory_format=channels_last)
            cases[name, stride, "forward"] = _forward(conv, x, mask)
            cases[name, stride, "fwd_bwd"] = _forward_and_backward(conv, x, mask, grad)
            counts[name, stride] = (count_params(conv), count_flops(conv, shape, mask.shape))
    timings = time_interleaved(
        {"/".join(map(str, key)): fn for key, fn in cases.items()}, sync=sync, **s.timing.kwargs()
    )
    rows = []
    for (name, stride), (params, flops) in counts.items():
        row: dict[str, Any] = {"variant": name, "stride": stride, "params": params, "flops": flops}
        for mode in ("forward", "fwd_bwd"):
            timing = timings[f"{name}/{stride}/{mode}"]
            reference = timings[f"{REFERENCE}/{stride}/{mode}"]
            row[f"{mode}_ms"] = timing.median * 1e3
            row[f"{mode}_ratio"] = paired_ratio(timing, reference)
        peak = peak_memory_bytes(cases[name, stride, "fwd_bwd"], device)
        row["peak_memory_mb"] = peak / 2**20
        row["repeats"] = timings[f"{name}/{stride}/fwd_bwd"].repeats
        rows.append(row)
    return rows
