"""Seed statistics of a group of runs, and whether two groups differ by more than the noise
between seeds (the rule is SPREAD_RULE, which the reports quote)."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

SPREAD_RULE = (
    "A group's value is the mean over its seeds with the sample standard deviation (n - 1 in "
    "the denominator; undefined for one seed). Two groups' difference counts as larger than "
    "the seed spread when the gap between their means exceeds the sum of their standard "
    "deviations, i.e. when the two mean ± std intervals do not overlap. With two or three "
    "seeds that is a rough rule, not a significance test."
)


@dataclass(frozen=True)
class Spread:
    """Mean and sample standard deviation over seeds (std None for a single seed)."""

    mean: float
    std: float | None
    values: tuple[float, ...]

    @property
    def n(self) -> int:
        return len(self.values)

    def as_dict(self) -> dict:
        return {"mean": self.mean, "std": self.std, "n": self.n, "values": list(self.values)}

    def format(self, fmt: str) -> str:
        """``24.71 ± 0.05`` (or ``24.71`` for one seed) with `fmt` for each number."""
        text = fmt.format(self.mean)
        return text if self.std is None else f"{text} ± {fmt.format(self.std)}"


def spread(values: Sequence[float]) -> Spread:
    """The Spread of per-seed values; NaN values (an undefined metric) are left out."""
    kept = tuple(float(v) for v in values if not math.isnan(v))
    if not kept:
        return Spread(math.nan, None, ())
    std = statistics.stdev(kept) if len(kept) > 1 else None
    return Spread(statistics.fmean(kept), std, kept)


def beyond_spread(a: Spread, b: Spread) -> bool | None:
    """True when the means of `a` and `b` differ by more than ``std(a) + std(b)``; None when
    either has fewer than two seeds (no spread to compare with)."""
    if a.std is None or b.std is None:
        return None
    return abs(a.mean - b.mean) > a.std + b.std
