"""Each run's final weights scored on the evaluation's fixed samples, cached in the run folder.

The score of a run is `inpaint.evaluation.evaluate` of its ``checkpoints/last.ckpt`` exported
to safetensors: mean PSNR / SSIM / L1 / fill sharpness overall and per hole-ratio bucket. It
is kept in ``<run>/compare_evaluation.json`` with the settings and the checkpoint it was
computed from, and used again while both are the same.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from inpaint.compare.runs import SweepRun
from inpaint.evaluation.methods import NetworkMethod
from inpaint.evaluation.runner import evaluate
from inpaint.inference.export import export_run
from inpaint.utils import atomic_write

CACHE_FILE = "compare_evaluation.json"


def checkpoint_identity(run: SweepRun) -> dict[str, Any]:
    """What identifies the final weights without reading them: file, size and mtime."""
    stat = run.checkpoint.stat()
    return {"file": run.checkpoint.name, "bytes": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def export_final_weights(run: SweepRun, folder: Path) -> Path:
    """The run's final generator as ``<folder>/<run name>.safetensors`` (with its card)."""
    path = folder / f"{run.name}.safetensors"
    export_run(run.path, path, which=str(run.checkpoint))
    return path


def score_run(
    run: SweepRun,
    weights: Path,
    images: Sequence[np.ndarray],
    settings: dict[str, Any],
    device: str,
) -> dict[str, dict[str, float]]:
    """bucket (and ``all``) -> metric -> mean for the run's exported `weights` on `images`
    with `settings` (``masks_per_bucket``, ``mask_seed``, ``batch_size`` and what chose the
    images); the cached score when settings and checkpoint are unchanged."""
    key = {"settings": settings, "checkpoint": checkpoint_identity(run)}
    cache = run.path / CACHE_FILE
    if cache.is_file():
        stored = json.loads(cache.read_text())
        if {k: stored.get(k) for k in key} == key:
            return stored["metrics"]
    result = evaluate(
        [NetworkMethod(weights, device=device)],
        images,
        masks_per_bucket=settings["masks_per_bucket"],
        seed=settings["mask_seed"],
        batch_size=settings["batch_size"],
    )
    metrics = next(iter(result.metrics.values()))
    with atomic_write(cache, "w") as file:
        json.dump({**key, "metrics": metrics}, file, indent=2)
    return metrics
