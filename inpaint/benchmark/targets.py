"""The benchmark's speed targets and their verdicts (PASS / MISS) on its results."""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Target:
    """``measured <op> threshold`` must hold, e.g. a time ratio ``<= 1.3``."""

    op: str
    threshold: float

    def check(self, measured: float) -> bool:
        compare: Callable[[float, float], bool] = COMPARISONS[self.op]
        return compare(measured, self.threshold)

    def __str__(self) -> str:
        return f"{self.op} {self.threshold:g}"


COMPARISONS = {"<=": operator.le, "<": operator.lt, ">=": operator.ge}

#: Forward+backward time of one conv divided by ``standard``'s (same run, same stride).
CONV_RATIO_TARGETS: dict[str, Target] = {
    "dilated": Target("<=", 1.3),
    "partial": Target("<=", 1.3),
    "gated": Target("<=", 2.2),  # it computes two convs' outputs
    "deformable": Target("<=", 6.0),  # v1
    "separable": Target("<", 1.0),  # faster than standard at C=64
    "fourier": Target("<=", 3.0),  # LaMa's FFC: three k x k convs on channel splits, two FFTs
}
#: Nominal FLOP/s of the standard training step, % of a lone nn.Conv2d forward+backward's.
KERNEL_EFFICIENCY_TARGET = Target(">=", 60.0)
#: Masks per second at 256x256 on one thread.
MASK_RATE_TARGETS: dict[str, Target] = {"free_form": Target(">=", 1000.0)}


def _verdict(what: str, target: Target, measured: float) -> dict[str, Any]:
    return {
        "target": what,
        "threshold": str(target),
        "measured": measured,
        "status": "PASS" if target.check(measured) else "MISS",
    }


def evaluate_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """One verdict per target whose section is in ``results`` (sections that were not run
    have none); also sets ``target`` and ``status`` on the conv rows that have a target.

    Returns:
        ``[{target, threshold, measured, status}]``.
    """
    verdicts = []
    for row in results.get("convs", {}).get("rows", []):
        target = CONV_RATIO_TARGETS.get(row["variant"])
        if target is None:
            continue
        what = f"{row['variant']} conv fwd+bwd time / standard, stride {row['stride']}"
        verdict = _verdict(what, target, row["fwd_bwd_ratio"])
        row["target"], row["status"] = verdict["threshold"], verdict["status"]
        verdicts.append(verdict)
    efficiency = results.get("training", {}).get("efficiency")
    if efficiency is not None:
        what = "standard training step, nominal FLOP/s as % of a lone nn.Conv2d fwd+bwd"
        verdicts.append(_verdict(what, KERNEL_EFFICIENCY_TARGET, efficiency["percent_of_kernel"]))
    for row in results.get("masks", {}).get("rows", []):
        target = MASK_RATE_TARGETS.get(row["generator"])
        if target is not None:
            what = f"{row['generator']} masks/s at {row['size']}x{row['size']}, one thread"
            verdicts.append(_verdict(what, target, row["masks_per_s"]))
    return verdicts
