"""A comparison's result: per group of runs, the seed statistics of every metric in every
bucket, the cost, and how the group stands against the best one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from inpaint.compare.cost import Cost
from inpaint.compare.stats import Spread, beyond_spread, spread
from inpaint.evaluation.runner import ALL

RANKING_METRIC = "psnr"


@dataclass
class GroupResult:
    """One configuration over its seeds.

    Attributes:
        label: the overrides that set it apart, e.g. ``model/block=gated``.
        runs: the names of its run folders; seeds: their seeds, in the same order.
        metrics: bucket (and ``all``) -> metric -> Spread over the seeds.
        cost: parameters, GFLOPs, inference ms and training images/s.
        gap_to_best: overall PSNR of the best group minus this group's (0 for the best).
        beyond_spread: whether that gap exceeds the two groups' seed spread (None with fewer
            than two seeds in either, and for the best group itself).
    """

    label: str
    runs: list[str]
    seeds: list[int]
    metrics: dict[str, dict[str, Spread]]
    cost: Cost
    gap_to_best: float = 0.0
    beyond_spread: bool | None = None

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "runs": self.runs,
            "seeds": self.seeds,
            "metrics": {
                bucket: {m: s.as_dict() for m, s in values.items()}
                for bucket, values in self.metrics.items()
            },
            "cost": self.cost.as_dict(),
            "psnr_gap_to_best": self.gap_to_best,
            "gap_beyond_seed_spread": self.beyond_spread,
        }


def group_results(
    scores: Mapping[str, Sequence[tuple[str, int, dict[str, dict[str, float]]]]],
    costs: Mapping[str, Cost],
) -> list[GroupResult]:
    """GroupResults from label -> [(run name, seed, bucket -> metric -> value)], sorted by
    overall PSNR (best first), each with its gap to the best and whether it exceeds the noise."""
    results = []
    for label, runs in scores.items():
        buckets = runs[0][2]
        metrics = {
            bucket: {
                metric: spread([score[bucket][metric] for _, _, score in runs])
                for metric in buckets[bucket]
            }
            for bucket in buckets
        }
        results.append(
            GroupResult(
                label=label,
                runs=[name for name, _, _ in runs],
                seeds=[seed for _, seed, _ in runs],
                metrics=metrics,
                cost=costs[label],
            )
        )
    results.sort(key=lambda g: -g.metrics[ALL][RANKING_METRIC].mean)
    best = results[0].metrics[ALL][RANKING_METRIC]
    for group in results[1:]:
        own = group.metrics[ALL][RANKING_METRIC]
        group.gap_to_best = best.mean - own.mean
        group.beyond_spread = beyond_spread(best, own)
    return results
