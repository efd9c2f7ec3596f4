"""Where a call spends its time: the operators with the most self CPU time (``torch.profiler``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from torch.profiler import ProfilerActivity, profile


def profile_call(fn: Callable[[], object], row_limit: int = 15) -> dict[str, Any]:
    """Profile one call of ``fn`` (CPU activity).

    Returns:
        ``{"total_ms", "ops": [{name, self_ms, percent, calls}]}``: the total self CPU time
        and the ``row_limit`` operators with the largest self CPU time, largest first.
    """
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        fn()
    averages = prof.key_averages()
    total_us = sum(event.self_cpu_time_total for event in averages)
    top = sorted(averages, key=lambda event: event.self_cpu_time_total, reverse=True)[:row_limit]
    ops = [
        {
            "name": event.key,
            "self_ms": event.self_cpu_time_total / 1e3,
            "percent": 100 * event.self_cpu_time_total / total_us if total_us else 0.0,
            "calls": event.count,
        }
        for event in top
    ]
    return {"total_ms": total_us / 1e3, "ops": ops}
