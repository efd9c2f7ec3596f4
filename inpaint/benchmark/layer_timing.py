"""One layer alone, as the generator runs it: forward and forward+backward, eager and compiled,
timed in interleaved rounds against a reference layer (the conv and upsampling sections).

Every layer is channels-last, with a channels-last input that requires a gradient, as inside
the training generator (``InpaintModule`` keeps the generator channels-last). The forward pass
runs under ``torch.no_grad()`` (inference); forward+backward starts from freed gradients
(``zero_grad(set_to_none=True)``, as training does) and back-propagates a fixed random output
gradient. A compiled layer is timed in the same rounds as the eager ones, its ratios taken
against the eager reference; the compile itself (the first call of each mode) is timed apart.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor, nn

from inpaint.benchmark.memory import peak_memory_bytes
from inpaint.benchmark.settings import TimingSettings
from inpaint.benchmark.timing import paired_ratio, time_interleaved
from inpaint.layers import count_flops, count_params

COMPILED_MODES = ("compiled_forward", "compiled_fwd_bwd")


def _forward_and_backward(
    layer: nn.Module, x: Tensor, mask: Tensor, grad: Tensor
) -> Callable[[], None]:
    def run() -> None:
        layer.zero_grad(set_to_none=True)
        x.grad = None
        y, _ = layer(x, mask)
        y.backward(grad)

    return run


def _forward(layer: nn.Module, x: Tensor, mask: Tensor) -> Callable[[], None]:
    def run() -> None:
        with torch.no_grad():
            layer(x, mask)

    return run


@dataclass
class LayerCases:
    """The timed calls of one layer: mode (``forward``, ``fwd_bwd``, then ``COMPILED_MODES``
    when compiled) -> call, its parameter and forward FLOP counts, and the seconds its compile took
    (``None`` when eager only)."""

    calls: dict[str, Callable[[], None]]
    params: int
    flops: int
    compile_s: float | None = None


def layer_cases(
    layer: nn.Module,
    input_shape: Sequence[int],
    mask: Tensor,
    device: torch.device,
    sync: Callable[[], None],
    compiled: bool = False,
) -> LayerCases:
    """Forward and forward+backward of ``layer(x, mask)`` (and under ``torch.compile`` when
    ``compiled``, compiled by its first calls here), with the layer's parameter and FLOP counts.

    Args:
        layer: ``forward(x, mask) -> (y, mask_out)``; moved to ``device``, channels-last.
        input_shape: [N, C, H, W] of ``x``, drawn from the global RNG (then the output
            gradient), channels-last.
        mask: Tensor[N, 1, H, W] on ``device``, 1 = known.
        device: where to run.
        sync: called after compiling.
        compiled: also build the compiled calls.
    """
    channels_last = torch.channels_last
    layer = layer.to(device, memory_format=channels_last)
    x = torch.randn(tuple(input_shape), device=device).contiguous(memory_format=channels_last)
    x.requires_grad_(True)
    with torch.no_grad():
        out_shape = layer(x, mask)[0].shape
    grad = torch.randn(out_shape, device=device).contiguous(memory_format=channels_last)
    cases = LayerCases(
        {
            "forward": _forward(layer, x, mask),
            "fwd_bwd": _forward_and_backward(layer, x, mask, grad),
        },
        params=count_params(layer),
        flops=count_flops(layer, tuple(input_shape), mask.shape),
    )
    if compiled:
        twin = torch.compile(layer)
        cases.calls["compiled_forward"] = _forward(twin, x, mask)
        cases.calls["compiled_fwd_bwd"] = _forward_and_backward(twin, x, mask, grad)
        start = time.perf_counter()
        for mode in COMPILED_MODES:
            cases.calls[mode]()
        sync()
        cases.compile_s = time.perf_counter() - start
    return cases


def enough_recompiles(layers: int) -> AbstractContextManager:
    """Dynamo's recompile limit raised for ``layers`` compiled modules: each is a new module
    behind a ``forward`` that several share, and the default limit of 8 graphs per code
    object would leave the later ones running eager."""
    return torch._dynamo.config.patch(recompile_limit=4 * layers)


def time_layers(
    layers: Mapping[str, LayerCases],
    references: Mapping[str, str],
    timing: TimingSettings,
    device: torch.device,
    sync: Callable[[], None],
) -> dict[str, dict[str, Any]]:
    """Time every call of every layer in one interleaved run; measure peak memory after.

    Args:
        layers: key -> its calls (see :func:`layer_cases`).
        references: key -> the key of its reference layer (itself for a reference).
        timing: rounds, warm-up and budget.
        device: where the layers run (for the peak memory).
        sync: called around each timed sample.

    Returns:
        key -> ``<mode>_ms`` and ``<mode>_ratio`` for each of its modes (ratios are paired
        medians against the reference's eager mode), ``compile_s`` when compiled,
        ``peak_memory_mb`` (forward+backward) and ``repeats``.
    """
    calls = {
        f"{key}/{mode}": fn for key, cases in layers.items() for mode, fn in cases.calls.items()
    }
    timings = time_interleaved(calls, sync=sync, **timing.kwargs())
    fields: dict[str, dict[str, Any]] = {}
    for key, cases in layers.items():
        row: dict[str, Any] = {}
        for mode in cases.calls:
            measured = timings[f"{key}/{mode}"]
            reference = timings[f"{references[key]}/{mode.removeprefix('compiled_')}"]
            row[f"{mode}_ms"] = measured.median * 1e3
            row[f"{mode}_ratio"] = paired_ratio(measured, reference)
        if cases.compile_s is not None:
            row["compile_s"] = cases.compile_s
        row["peak_memory_mb"] = peak_memory_bytes(cases.calls["fwd_bwd"], device) / 2**20
        row["repeats"] = timings[f"{key}/fwd_bwd"].repeats
        fields[key] = row
    return fields
