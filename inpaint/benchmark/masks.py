"""Section 3c: masks per second of every mask generator, on one thread.

Each generator is the ``mask`` config of that name, instantiated as training does, and is
called as the data module calls it: ``generator(size, size, rng)`` with its own ratio range
(redraws and ring fitting included). Mask generation is NumPy and Pillow code on the calling
thread; one data-loader worker draws masks this fast.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from hydra.utils import instantiate
from omegaconf import DictConfig

from inpaint.benchmark.settings import MaskSettings
from inpaint.benchmark.timing import time_interleaved


def benchmark_masks(
    configs: Mapping[str, DictConfig], settings: MaskSettings, seed: int
) -> list[dict[str, Any]]:
    """Masks per second of each configured generator at ``settings.size`` squared.

    Returns:
        One row per generator: ``generator, size, masks_per_s, ms_per_mask, repeats``.
    """
    size = settings.size
    cases: dict[str, Callable[[], object]] = {}
    for name, cfg in configs.items():
        generator = instantiate(cfg)
        rng = np.random.default_rng(seed)
        cases[name] = lambda g=generator, r=rng: g(size, size, r)
    timings = time_interleaved(cases, **settings.timing.kwargs())
    return [
        {
            "generator": name,
            "size": size,
            "masks_per_s": 1 / timing.median,
            "ms_per_mask": timing.median * 1e3,
            "repeats": timing.repeats,
        }
        for name, timing in timings.items()
    ]
