"""The weights a run starts from: ``<run dir>/init_from.json``.

A run that initialises its generator from ``model.init_from`` records, before it trains, what
it read: the value given, the sha256 of the weights file (no machine path: the card travels),
strictness, the tensors copied and left fresh, and a summary of the source's model card, with
the card's own ``initialized_from``. Written at the start, it describes the source at that
time, even if the source is overwritten later (by exporting this run under the same name). The
export copies it into the run's model card as ``initialized_from``, so each card names the
weights it continues, and theirs in turn.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from inpaint.utils import atomic_write

RECORD_FILE = "init_from.json"
SOURCE_METRICS = ("val/psnr", "val/ssim")


def source_summary(card: dict[str, Any]) -> dict[str, Any]:
    """Name, step, step budget, learning rate, wall time, PSNR / SSIM and own
    ``initialized_from`` of a model card: those it holds."""
    training = card.get("training") or {}
    metrics = card.get("validation_metrics") or {}
    summary = {
        "name": card.get("name"),
        "global_step": (card.get("checkpoint") or {}).get("global_step"),
        "max_steps": training.get("max_steps"),
        "lr": (training.get("optimizer") or {}).get("lr"),
        "wall_time_s": card.get("wall_time_s"),
        "validation_metrics": {k: metrics[k] for k in SOURCE_METRICS if k in metrics},
        "initialized_from": card.get("initialized_from"),
    }
    return {k: v for k, v in summary.items() if v not in (None, {})}


def init_record(
    init_from: str,
    sha256: str,
    card: dict[str, Any],
    strict: bool,
    copied: int,
    fresh: int,
) -> dict[str, Any]:
    """The record of a generator initialised from ``model.init_from=<init_from>``, whose
    weights file has `sha256`."""
    return {
        "init_from": init_from,
        "sha256": sha256,
        "strict": strict,
        "tensors_copied": copied,
        "tensors_fresh": fresh,
        "source": source_summary(card),
    }


def write_record(run_dir: Path, record: dict[str, Any] | None) -> None:
    """Write `record` to ``<run_dir>/init_from.json`` atomically; None (a run started without
    ``init_from``) removes one left by an earlier start in the same folder."""
    path = run_dir / RECORD_FILE
    if record is None:
        path.unlink(missing_ok=True)
        return
    with atomic_write(path, "w") as file:
        json.dump(record, file, indent=2)


def read_record(run_dir: Path) -> dict[str, Any] | None:
    """The run's ``init_from.json``; None for a run that did not start from ``init_from``."""
    path = run_dir / RECORD_FILE
    return json.loads(path.read_text()) if path.is_file() else None
