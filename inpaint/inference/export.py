"""Turn a training run into a shippable model: safetensors weights + JSON model card.

A run directory is what ``scripts/train.py`` writes: Hydra's ``.hydra/config.yaml``,
``checkpoints/{last,best-*}.ckpt``, TensorBoard event files, ``init_from.json`` if it started
from ``model.init_from`` and, once training ends, ``summary.json``. Runs that were killed and
resumed (``ckpt_path=last``) are fine: the wall time is added up over every process's event
file, and the card's training config is the one the exported checkpoint stores (that of the
attempt that wrote it).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch
from omegaconf import DictConfig, OmegaConf
from tensorboard.backend.event_processing.event_file_loader import EventFileLoader

from inpaint.inference.weights import save_generator
from inpaint.models import UNetGenerator
from inpaint.training.init_from import generator_config
from inpaint.training.lineage import read_record
from inpaint.training.resume_config import CHECKPOINT_KEY

GENERATOR_PREFIX = "generator."
# config groups copied into the card as written (interpolations such as ${oc.env:...} kept)
CARD_GROUPS = ("data", "mask", "loss", "seed")


def load_run_config(run_dir: Path) -> DictConfig:
    """The run's composed config as Hydra saved it."""
    path = run_dir / ".hydra" / "config.yaml"
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: is {run_dir} a run directory of train.py?")
    return OmegaConf.load(path)


def _plain(value: Any) -> Any:
    """A config node as plain containers (interpolations kept as written); other values as is."""
    return OmegaConf.to_container(value) if OmegaConf.is_config(value) else value


def command_overrides(run_dir: Path) -> list[str]:
    """The command-line overrides the run was started with (Hydra's overrides.yaml)."""
    path = run_dir / ".hydra" / "overrides.yaml"
    return list(OmegaConf.load(path)) if path.is_file() else []


def find_checkpoint(run_dir: Path, which: str) -> Path:
    """``best`` / ``last`` checkpoint of a run, or `which` as a path."""
    checkpoints = run_dir / "checkpoints"
    if which == "last":
        candidates = [checkpoints / "last.ckpt"]
    elif which == "best":
        candidates = sorted(checkpoints.glob("best-*.ckpt"))
    else:
        candidates = [Path(which)]
    found = [p for p in candidates if p.is_file()]
    if not found:
        raise FileNotFoundError(f"no {which!r} checkpoint in {checkpoints}")
    return found[-1]


def training_wall_time(run_dir: Path) -> float | None:
    """Seconds of training: the union of the time spans of the run's TensorBoard event files
    (one or two per process, each from its creation as training starts to its last event), so
    the time between a kill and a resume is not counted. A process killed before it logged
    anything after its start counts as zero."""
    spans = []
    for path in sorted(run_dir.glob("events.out.tfevents.*")):
        times = [event.wall_time for event in EventFileLoader(str(path)).Load()]
        if times:
            spans.append((min(times), max(times)))
    if not spans:
        return None
    total, (start, end) = 0.0, sorted(spans)[0]
    for lo, hi in sorted(spans)[1:]:
        if lo > end:
            total, start = total + end - start, lo
        end = max(end, hi)
    return round(total + end - start, 1)


def checkpoint_metrics(
    checkpoint: dict[str, Any], summary: dict[str, Any] | None, best: bool
) -> dict[str, float]:
    """Validation metrics at the checkpoint's step: the run summary's if it was written at that
    step; else, for a `best` checkpoint, the monitored score that made it the best."""
    if summary is not None and summary.get("global_step") == checkpoint["global_step"]:
        return summary["metrics"]
    if best:
        for state in checkpoint.get("callbacks", {}).values():
            if state.get("monitor") and state.get("current_score") is not None:
                return {state["monitor"]: float(state["current_score"])}
    return {}


def export_run(
    run_dir: str | Path,
    weights_path: str | Path,
    which: str = "best",
    extra_card: dict[str, Any] | None = None,
    max_bytes: int | None = None,
) -> dict[str, Any]:
    """Write the generator of `run_dir`'s checkpoint (``best``, ``last`` or a path) to
    `weights_path` (float16 safetensors) with its card; returns the card.

    The card holds the generator config, the run's data / mask / loss / seed config, the
    optimizer, schedule, step budget and command-line overrides, the checkpoint's step, the
    training wall time, throughput and validation metrics, for a run trained with ``ema=on``
    its decay (``ema``: the weights are the moving average), for a run started from
    ``model.init_from`` the record of the weights it started from (``initialized_from``), and
    `extra_card` (e.g. the data's name and terms).
    Raises ValueError, before writing anything, if the weights would exceed `max_bytes`.
    """
    run_dir = Path(run_dir)
    cfg, overrides = load_run_config(run_dir), command_overrides(run_dir)
    checkpoint_path = find_checkpoint(run_dir, which)
    try:
        checkpoint = torch.load(checkpoint_path, map_location="cpu", weights_only=True)
        generator_state = checkpoint["state_dict"]
    except Exception as error:  # torch raises several types for files it cannot read
        raise ValueError(
            f"{checkpoint_path} is not a readable training checkpoint ({type(error).__name__})"
        ) from error
    stored = checkpoint.get(CHECKPOINT_KEY)
    if stored is not None:  # the config of the attempt that wrote it (a resume may change steps)
        cfg, overrides = OmegaConf.create(stored["config"]), list(stored["overrides"])
    state = {
        k[len(GENERATOR_PREFIX) :]: v
        for k, v in generator_state.items()
        if k.startswith(GENERATOR_PREFIX)
    }
    config = generator_config(cfg)
    generator = UNetGenerator(**config)
    generator.load_state_dict(state)
    summary_path = run_dir / "summary.json"
    summary = json.loads(summary_path.read_text()) if summary_path.is_file() else None
    lineage = read_record(run_dir)
    # EMAWeightAveraging stores the average as state_dict, the raw weights beside it
    ema_decay = (
        OmegaConf.select(cfg, "callbacks.ema.decay") if "averaging_state" in checkpoint else None
    )
    card = {
        "generator": config,
        "generator_params": sum(p.numel() for p in generator.parameters()),
        "checkpoint": {
            "file": checkpoint_path.name,
            "global_step": checkpoint["global_step"],
            "epoch": checkpoint["epoch"],
        },
        "training": {
            **{group: _plain(cfg[group]) for group in CARD_GROUPS},
            "optimizer": _plain(cfg.model.optimizer),
            "scheduler": _plain(cfg.model.scheduler),
            "max_steps": cfg.trainer.get("max_steps"),
            "precision": cfg.trainer.get("precision"),
            "overrides": overrides,
        },
        "wall_time_s": training_wall_time(run_dir),
        "train_images_per_s": summary.get("train_images_per_s") if summary else None,
        "validation_metrics": checkpoint_metrics(
            checkpoint, summary, best=checkpoint_path.name.startswith("best-")
        ),
        **({"initialized_from": lineage} if lineage is not None else {}),
        **({"ema": {"decay": ema_decay}} if ema_decay is not None else {}),
        **(extra_card or {}),
    }
    save_generator(generator, card, weights_path, max_bytes=max_bytes)
    return card
