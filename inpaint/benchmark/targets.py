"""The benchmark's speed targets and their verdicts (PASS / MISS) on its results."""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from inpaint.benchmark.inference import TELEA
from inpaint.model_cards import default_model


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
#: The same ratio with both convs under ``torch.compile`` (``--compile``), standard eager.
COMPILED_CONV_RATIO_TARGETS: dict[str, Target] = {"gated": Target("<=", 2.0)}
#: Nominal FLOP/s of the standard training step, % of a lone nn.Conv2d forward+backward's.
KERNEL_EFFICIENCY_TARGET = Target(">=", 80.0)
#: Latency of the default shipped model at 256x256, batch 1, divided by OpenCV Telea's.
DEFAULT_MODEL_TELEA_TARGET = Target("<=", 4.0)
DEFAULT_MODEL_TELEA_SIZE = 256
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
        compiled_target = COMPILED_CONV_RATIO_TARGETS.get(row["variant"])
        if compiled_target is not None and "compiled_fwd_bwd_ratio" in row:
            what = (
                f"{row['variant']} conv fwd+bwd compiled / standard eager, stride {row['stride']}"
            )
            verdicts.append(_verdict(what, compiled_target, row["compiled_fwd_bwd_ratio"]))
    verdicts += _telea_verdicts(results.get("inference", {}).get("rows", []))
    efficiency = results.get("training", {}).get("efficiency")
    if efficiency is not None:
        what = "standard training step, nominal FLOP/s as % of a lone nn.Conv2d fwd+bwd"
        verdicts.append(_verdict(what, KERNEL_EFFICIENCY_TARGET, efficiency["percent_of_kernel"]))
        if "compiled_percent_of_kernel" in efficiency:
            measured = efficiency["compiled_percent_of_kernel"]
            verdicts.append(_verdict(f"{what}, compiled", KERNEL_EFFICIENCY_TARGET, measured))
    for row in results.get("masks", {}).get("rows", []):
        target = MASK_RATE_TARGETS.get(row["generator"])
        if target is not None:
            what = f"{row['generator']} masks/s at {row['size']}x{row['size']}, one thread"
            verdicts.append(_verdict(what, target, row["masks_per_s"]))
    return verdicts


def _telea_verdicts(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The default shipped model's latency over Telea's at `DEFAULT_MODEL_TELEA_SIZE`, when
    both were timed."""
    latency = {r["method"]: r["latency_ms"] for r in rows if r["size"] == DEFAULT_MODEL_TELEA_SIZE}
    model = f"pretrained {default_model()}"
    if model not in latency or TELEA not in latency:
        return []
    size = DEFAULT_MODEL_TELEA_SIZE
    what = f"{model} latency / OpenCV Telea's, {size}x{size}, batch 1"
    return [_verdict(what, DEFAULT_MODEL_TELEA_TARGET, latency[model] / latency[TELEA])]
