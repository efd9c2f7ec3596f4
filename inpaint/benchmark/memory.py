"""Peak memory allocated by one call, on CPU and on CUDA.

CUDA: ``torch.cuda.max_memory_allocated`` after ``reset_peak_memory_stats``, minus what was
allocated before the call.

CPU has no allocator statistics, so the call runs once under ``torch.profiler`` with
``profile_memory=True``, which records every allocation and free of PyTorch's CPU allocator
(sizes in bytes, with timestamps). Replaying them in time order gives the bytes live at each
moment; the peak of that running sum is the peak memory the call added on top of what existed
before it (inputs, weights), as ``tracemalloc`` does for Python objects. Buffers that oneDNN or
MKL allocate with their own allocators (e.g. oneDNN's scratchpad) are not seen.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch.autograd import DeviceType
from torch.profiler import ProfilerActivity, profile


def _cpu_peak_bytes(fn: Callable[[], object]) -> int:
    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
        fn()
    events = [e for e in prof.profiler.kineto_results.events() if e.name() == "[memory]"]
    events.sort(key=lambda e: e.start_ns())
    live = peak = 0
    for event in events:
        if event.device_type() == DeviceType.CPU:
            live += event.nbytes()
            peak = max(peak, live)
    return peak


def _cuda_peak_bytes(fn: Callable[[], object], device: torch.device) -> int:
    torch.cuda.synchronize(device)
    before = torch.cuda.memory_allocated(device)
    torch.cuda.reset_peak_memory_stats(device)
    fn()
    torch.cuda.synchronize(device)
    return torch.cuda.max_memory_allocated(device) - before


def peak_memory_bytes(fn: Callable[[], object], device: torch.device) -> int:
    """Peak bytes allocated by ``fn()`` above what was allocated before the call.

    Args:
        fn: one unit of work (e.g. a forward and backward pass); called once.
        device: where ``fn`` allocates; ``cuda`` uses the CUDA allocator's statistics, anything
            else the CPU profiler's allocation records (see the module docstring).
    """
    if device.type == "cuda":
        return _cuda_peak_bytes(fn, device)
    return _cpu_peak_bytes(fn)


def memory_method(device: torch.device) -> str:
    """One sentence saying how :func:`peak_memory_bytes` measures on ``device``."""
    if device.type == "cuda":
        return (
            "`torch.cuda.max_memory_allocated` during the call, minus what was allocated before it."
        )
    return (
        "`torch.profiler` with `profile_memory=True` records every allocation and free of "
        "PyTorch's CPU allocator during one call; the peak of their running sum is the memory "
        "the call added above what existed before it (inputs, weights). oneDNN's own "
        "scratchpad is not seen."
    )
