"""Run every method on the same images and masks; metrics per hole-ratio bucket and speed."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
from tqdm import tqdm

from inpaint.evaluation.masks import bucket_masks
from inpaint.evaluation.methods import Method
from inpaint.metrics import HOLE_RATIO_EDGES, bucket_names
from inpaint.metrics.bucketed import METRIC_NAMES, per_image_metrics
from inpaint.metrics.sharpness import fill_sharpness

ALL = "all"
# the metrics of every sample: training's validation metrics and the fill's sharpness
EVALUATION_METRICS = (*METRIC_NAMES, "sharpness")


@dataclass
class EvaluationResult:
    """Mean metrics per method and bucket, speed, and one example per bucket.

    metrics[method][bucket or "all"][metric]: mean over samples (metric in psnr, ssim, l1,
    sharpness; sharpness over the samples where it is defined);
    counts[bucket]: samples per bucket; ms_per_image[method]: wall time of the method's calls
    divided by the samples; examples[bucket]: {"masked", "target", <method>...} uint8
    [H, W, 3] images of that bucket's first sample.
    """

    buckets: list[str]
    metrics: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    ms_per_image: dict[str, float] = field(default_factory=dict)
    params: dict[str, int] = field(default_factory=dict)
    examples: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)


def _to_tensor(images: np.ndarray) -> torch.Tensor:
    """uint8 [N, H, W, 3] -> float [N, 3, H, W] in [0, 1]."""
    return torch.from_numpy(images).permute(0, 3, 1, 2).float() / 255


def evaluate(
    methods: Sequence[Method],
    images: Sequence[np.ndarray],
    masks_per_bucket: int = 2,
    seed: int = 0,
    batch_size: int = 8,
    edges: Sequence[float] = HOLE_RATIO_EDGES,
    progress: bool = False,
) -> EvaluationResult:
    """Every method on every (image, mask) pair: `masks_per_bucket` fixed free-form masks per
    hole-ratio bucket per image (`bucket_masks`), in batches of `batch_size`.

    Metrics are `inpaint.metrics.per_image_metrics` (as in training's validation) and
    `inpaint.metrics.sharpness.fill_sharpness` on the 8-bit composite: known pixels from the
    image, holes from the method. `images` are RGB uint8
    [S, S, 3] of one size. Timing excludes one warm-up call per method. `progress` shows a
    progress bar (on stderr).
    """
    if not methods or not images:
        raise ValueError("evaluate needs at least one method and one image")
    names = [method.name for method in methods]
    if len(set(names)) != len(names):
        raise ValueError(f"method names must differ, got {names}")
    buckets = bucket_names(edges)
    size = images[0].shape[0]
    samples = [  # (image index, bucket, holes [S, S])
        (index, bucket, holes)
        for index in range(len(images))
        for bucket, holes in bucket_masks(size, index, masks_per_bucket, seed, edges)
    ]
    result = EvaluationResult(buckets=buckets)
    result.counts = {b: sum(s[1] == b for s in samples) for b in buckets}
    example_of = {}  # bucket -> sample number: image (bucket number % images), first mask
    for number, (index, bucket, _) in enumerate(samples):
        if bucket not in example_of and index == buckets.index(bucket) % len(images):
            example_of[bucket] = number
    for bucket, number in example_of.items():
        index, _, holes = samples[number]
        masked = np.where(holes[..., None], 255, images[index]).astype(np.uint8)
        result.examples[bucket] = {"masked": masked, "target": images[index]}

    bar = tqdm(total=len(methods) * len(samples), unit="image", disable=not progress)
    for method in methods:
        bar.set_description(method.name)
        method(images[0][None], samples[0][2][None])  # warm-up: lazy initialisation, caches
        values = {metric: [] for metric in EVALUATION_METRICS}
        seconds = 0.0
        for start in range(0, len(samples), batch_size):
            chunk = samples[start : start + batch_size]
            targets = np.stack([images[index] for index, _, _ in chunk])
            holes = np.stack([h for _, _, h in chunk])
            began = time.perf_counter()
            outputs = method(targets, holes)
            seconds += time.perf_counter() - began
            bar.update(len(chunk))
            composite = np.where(holes[..., None], outputs, targets)
            composite_t, targets_t = _to_tensor(composite), _to_tensor(targets)
            for metric, value in per_image_metrics(composite_t, targets_t).items():
                values[metric].extend(value.tolist())
            holes_t = torch.from_numpy(holes)[:, None]
            values["sharpness"].extend(fill_sharpness(composite_t, targets_t, holes_t).tolist())
            for offset, output in enumerate(composite):
                bucket = chunk[offset][1]
                if example_of.get(bucket) == start + offset:
                    result.examples[bucket][method.name] = output
        per_method = {}
        sample_buckets = np.array([bucket for _, bucket, _ in samples])
        for bucket in [*buckets, ALL]:
            chosen = np.ones(len(samples), bool) if bucket == ALL else sample_buckets == bucket
            per_method[bucket] = {
                m: float(np.nanmean(np.array(v)[chosen])) for m, v in values.items()
            }
        result.metrics[method.name] = per_method
        result.ms_per_image[method.name] = 1000 * seconds / len(samples)
        result.params[method.name] = method.params
    bar.close()
    return result
