"""PSNR, SSIM and L1 overall and per hole-ratio bucket, from torchmetrics' functional metrics.

Inpainting quality depends mostly on how much of the image is missing, so results are reported
per bucket of hole ratio, as in Liu et al. 2018: 0.01-0.1, 0.1-0.2, ..., 0.5-0.6. PSNR and SSIM
are computed per image and averaged over images (the convention of inpainting papers).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor, nn
from torchmetrics import MeanMetric
from torchmetrics.functional.image import (
    peak_signal_noise_ratio,
    structural_similarity_index_measure,
)

from inpaint.metrics.sharpness import fill_sharpness

HOLE_RATIO_EDGES: tuple[float, ...] = (0.01, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6)
METRIC_NAMES = ("psnr", "ssim", "l1")
# also averaged per bucket when the holes are given: the fill's detail (metrics/sharpness.py)
BUCKETED_NAMES = (*METRIC_NAMES, "sharpness")


def bucket_names(edges: Sequence[float] = HOLE_RATIO_EDGES) -> list[str]:
    """['0.01-0.1', '0.1-0.2', ...]: one name per pair of consecutive edges."""
    return [f"{lo:g}-{hi:g}" for lo, hi in zip(edges[:-1], edges[1:], strict=True)]


def per_image_metrics(output: Tensor, target: Tensor) -> dict[str, Tensor]:
    """{'psnr', 'ssim', 'l1'} -> [N] values for images [N, C, H, W] in [0, 1]."""
    return {
        "psnr": peak_signal_noise_ratio(
            output, target, data_range=1.0, reduction="none", dim=(1, 2, 3)
        ),
        "ssim": structural_similarity_index_measure(
            output, target, data_range=1.0, reduction="none"
        ),
        "l1": (output - target).abs().flatten(1).mean(1),
    }


class BucketedImageMetrics(nn.Module):
    """update(output, target, hole_ratio, holes) then compute() -> {'psnr': ..,
    'psnr/0.1-0.2': .., 'sharpness': .., ...}.

    Shapes: output, target [N, 3, H, W] in [0, 1]; hole_ratio [N]; holes [N, 1, H, W] bool
    (True = hole), for the fill sharpness, which is averaged over the samples where it is
    defined (`fill_sharpness`) and left out when no update gave holes. Samples whose ratio falls
    outside every bucket count only towards the overall numbers; empty buckets are left out.
    Every state is a (sum, count) pair, so the metrics sync across DDP processes whatever
    buckets each process saw.
    """

    def __init__(self, edges: Sequence[float] = HOLE_RATIO_EDGES) -> None:
        super().__init__()
        self.edges = tuple(edges)
        self.names = bucket_names(self.edges)
        self.means = nn.ModuleDict(
            {
                self._key(metric, bucket): MeanMetric(nan_strategy="error")
                for metric in BUCKETED_NAMES
                for bucket in [None, *self.names]
            }
        )

    @staticmethod
    def _key(metric: str, bucket: str | None) -> str:
        # ModuleDict keys cannot contain '.', so the bucket name is stored with '_'.
        return metric if bucket is None else f"{metric}@{bucket.replace('.', '_')}"

    def update(
        self, output: Tensor, target: Tensor, hole_ratio: Tensor, holes: Tensor | None = None
    ) -> None:
        values = per_image_metrics(output, target)
        weights = {metric: torch.ones_like(hole_ratio) for metric in values}
        if holes is not None:
            sharpness = fill_sharpness(output, target, holes)
            defined = ~sharpness.isnan()
            values["sharpness"] = torch.where(defined, sharpness, torch.zeros_like(sharpness))
            weights["sharpness"] = defined.to(hole_ratio)
        edges = torch.tensor(self.edges, device=hole_ratio.device, dtype=hole_ratio.dtype)
        index = torch.bucketize(hole_ratio, edges, right=True) - 1
        for metric, value in values.items():
            weight = weights[metric].to(value)
            self.means[self._key(metric, None)].update(value, weight=weight)
            for bucket, name in enumerate(self.names):
                # weight 0 keeps the update collective-friendly when no sample is in the bucket
                self.means[self._key(metric, name)].update(
                    value, weight=weight * (index == bucket).to(value)
                )

    def compute(self) -> dict[str, Tensor]:
        results: dict[str, Tensor] = {}
        for metric in BUCKETED_NAMES:
            overall = self.means[self._key(metric, None)].compute()
            if metric not in METRIC_NAMES and overall.isnan():
                continue  # no holes given, or the metric undefined on every sample
            results[metric] = overall
            for name in self.names:
                value = self.means[self._key(metric, name)].compute()
                if not value.isnan():  # NaN = 0 / 0: no sample in this bucket on any process
                    results[f"{metric}/{name}"] = value
        return results

    def reset(self) -> None:
        for mean in self.means.values():
            mean.reset()
