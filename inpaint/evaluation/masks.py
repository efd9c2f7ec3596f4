"""Fixed free-form masks in every hole-ratio bucket, the same for every method."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from inpaint.data import FreeFormMaskGenerator
from inpaint.metrics import HOLE_RATIO_EDGES, bucket_names


def bucket_masks(
    size: int,
    image_index: int,
    per_bucket: int,
    seed: int = 0,
    edges: Sequence[float] = HOLE_RATIO_EDGES,
) -> list[tuple[str, np.ndarray]]:
    """[(bucket name, bool [size, size] with True = hole)]: `per_bucket` DeepFill v2 free-form
    masks per bucket of hole ratio (0.01-0.1, ..., 0.5-0.6), each fixed by
    (`seed`, `image_index`, bucket, number) whatever the other arguments."""
    generator = FreeFormMaskGenerator()
    masks = []
    for bucket, (name, low, high) in enumerate(
        zip(bucket_names(edges), edges[:-1], edges[1:], strict=True)
    ):
        for number in range(per_bucket):
            rng = np.random.default_rng([seed, image_index, bucket, number])
            masks.append((name, generator(size, size, rng, min_ratio=low, max_ratio=high)))
    return masks
