"""Section 2: one convolution of every variant, as the generator builds it.

Each variant is built by its ``model/block`` config (``BlockSpec.conv``: 'same' padding, the
block's dilation and keyword arguments), with channels-last weights and a channels-last input
that requires a gradient, as inside the training generator (``InpaintModule`` keeps the
generator channels-last). Every variant gets the same free-form mask; the forward pass runs
under ``torch.no_grad()`` (inference); forward+backward starts from freed gradients
(``zero_grad(set_to_none=True)``, as training does) and back-propagates a fixed random
output gradient. With ``compiled``, each conv is also timed under ``torch.compile`` in the same
interleaved rounds, its ratios taken against the eager ``standard``; the compile itself (the
first call of each mode) is timed apart.
"""

from __future__ import annotations

import time
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
EAGER_MODES = ("forward", "fwd_bwd")
COMPILED_MODES = ("compiled_forward", "compiled_fwd_bwd")


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
    # every variant is a new module behind a forward that many variants share; dynamo's default
    # limit of 8 graphs per code object would leave the later ones running eager
    with torch._dynamo.config.patch(recompile_limit=4 * len(blocks) * len(s.strides)):
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
    channels_last = torch.channels_last
    cases: dict[tuple[str, int, str], Callable[[], None]] = {}
    counts: dict[tuple[str, int], tuple[int, int]] = {}
    compile_seconds: dict[tuple[str, int], float] = {}
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
            if compiled:
                twin = torch.compile(conv)
                cases[name, stride, "compiled_forward"] = _forward(twin, x, mask)
                cases[name, stride, "compiled_fwd_bwd"] = _forward_and_backward(twin, x, mask, grad)
                start = time.perf_counter()
                for mode in COMPILED_MODES:
                    cases[name, stride, mode]()
                sync()
                compile_seconds[name, stride] = time.perf_counter() - start
    timings = time_interleaved(
        {"/".join(map(str, key)): fn for key, fn in cases.items()}, sync=sync, **s.timing.kwargs()
    )
    rows = []
    for (name, stride), (params, flops) in counts.items():
        row: dict[str, Any] = {"variant": name, "stride": stride, "params": params, "flops": flops}
        for mode in EAGER_MODES + (COMPILED_MODES if compiled else ()):
            timing = timings[f"{name}/{stride}/{mode}"]
            reference = timings[f"{REFERENCE}/{stride}/{mode.removeprefix('compiled_')}"]
            row[f"{mode}_ms"] = timing.median * 1e3
            row[f"{mode}_ratio"] = paired_ratio(timing, reference)
        if compiled:
            row["compile_s"] = compile_seconds[name, stride]
        peak = peak_memory_bytes(cases[name, stride, "fwd_bwd"], device)
        row["peak_memory_mb"] = peak / 2**20
        row["repeats"] = timings[f"{name}/{stride}/fwd_bwd"].repeats
        rows.append(row)
    return rows
