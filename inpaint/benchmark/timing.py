"""Interleaved timing: every case is timed once per round, rounds repeat, medians are kept.

On a shared machine the speed changes from minute to minute. Timing the cases back to back in
rounds (rather than all repeats of one case, then the next) spreads that drift over every case
alike, and a case's ratio to a reference is taken as the median over rounds of the ratio of
the two samples of the same round, which cancels most of it.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


@dataclass
class Timing:
    """Samples of one case.

    Attributes:
        number: calls per sample (fast cases are called several times per sample).
        samples: seconds per call, one entry per timed round; ``None`` for a round the case
            sat out (see ``budget_s`` of :func:`time_interleaved`).
    """

    number: int
    samples: list[float | None] = field(default_factory=list)

    @property
    def timed(self) -> list[float]:
        """The samples of the rounds in which the case was timed."""
        return [s for s in self.samples if s is not None]

    @property
    def median(self) -> float:
        """Median seconds per call."""
        return statistics.median(self.timed)

    @property
    def repeats(self) -> int:
        """Number of timed samples."""
        return len(self.timed)


def _time_calls(fn: Callable[[], object], number: int, sync: Callable[[], None]) -> float:
    """Seconds per call of ``number`` back-to-back calls of ``fn``."""
    sync()
    start = time.perf_counter()
    for _ in range(number):
        fn()
    sync()
    return (time.perf_counter() - start) / number


def time_interleaved(
    cases: Mapping[str, Callable[[], object]],
    repeats: int,
    warmup: int = 1,
    min_sample_s: float = 0.0,
    budget_s: float = math.inf,
    min_repeats: int = 3,
    sync: Callable[[], None] = lambda: None,
) -> dict[str, Timing]:
    """Time every case in interleaved rounds; return each case's samples.

    Args:
        cases: name -> zero-argument callable doing one unit of work.
        repeats: timed rounds (at most) per case.
        warmup: untimed calls of each case first (interleaved too); at least 1, which also
            measures how long a call takes.
        min_sample_s: a case faster than this is called ``ceil(min_sample_s / call time)``
            times per sample, so timer resolution and per-call jitter do not dominate.
        budget_s: a case whose call takes long gets only ``budget_s / call time`` timed rounds
            (but at least ``min_repeats``); it sits out the later rounds, recorded as ``None``.
        min_repeats: floor of the budgeted number of rounds.
        sync: called before and after each sample (``torch.cuda.synchronize`` on a GPU).

    Returns:
        name -> :class:`Timing`, in the order of ``cases``.
    """
    if repeats < 1 or warmup < 1 or min_repeats < 1:
        raise ValueError(
            f"repeats, warmup and min_repeats must be >= 1, got {repeats}, {warmup}, {min_repeats}"
        )
    first: dict[str, float] = {}
    for round_index in range(warmup):
        for name, fn in cases.items():
            seconds = _time_calls(fn, 1, sync)
            first[name] = seconds if round_index == 0 else min(first[name], seconds)
    timings: dict[str, Timing] = {}
    rounds: dict[str, int] = {}
    for name, seconds in first.items():
        seconds = max(seconds, 1e-9)
        timings[name] = Timing(number=max(1, math.ceil(min_sample_s / seconds)))
        affordable = math.floor(budget_s / seconds) if math.isfinite(budget_s) else repeats
        rounds[name] = max(min(repeats, min_repeats), min(repeats, affordable))
    for round_index in range(repeats):
        for name, fn in cases.items():
            timing = timings[name]
            if round_index < rounds[name]:
                timing.samples.append(_time_calls(fn, timing.number, sync))
            else:
                timing.samples.append(None)
    return timings


def paired_ratio(case: Timing, reference: Timing) -> float:
    """Median over rounds of ``case / reference`` seconds, using rounds that timed both."""
    ratios = [
        c / r
        for c, r in zip(case.samples, reference.samples, strict=True)
        if c is not None and r is not None
    ]
    if not ratios:
        raise ValueError("the two cases share no timed round")
    return statistics.median(ratios)
