"""The training runs of a sweep, checked to be comparable and grouped by what they vary.

A run is a folder that ``scripts/train.py`` wrote: ``.hydra/config.yaml`` and
``overrides.yaml``, ``summary.json`` once training ended and ``checkpoints/last.ckpt``, the
final weights. A sweep folder (``python scripts/train.py -m ...``, or ``inpaint-study``)
holds runs as its direct sub-folders. Runs are grouped by the command-line overrides that
differ between them, leaving out the seed: the runs of one group are the same configuration
trained with different seeds.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from inpaint.inference.export import command_overrides, find_checkpoint, load_run_config

# override keys that do not change what a run learns, left out of group labels
UNGROUPED_PREFIXES = ("hydra.", "trainer.enable_progress_bar", "ckpt_path")
SEED_KEY = "seed"
# what every compared run must share: the images, crops and masks, and the step budget
SHARED = ("data", "mask", "trainer.max_steps")
THROUGHPUT_TAG = "train/images_per_sec"


class SweepError(ValueError):
    """A folder that cannot be compared; the message names it and says what is expected."""


@dataclass
class SweepRun:
    """One finished run: its folder, composed config, overrides, summary and final weights."""

    path: Path
    config: DictConfig
    overrides: list[str]
    summary: dict[str, Any]
    checkpoint: Path

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def seed(self) -> int:
        return int(self.config.seed)

    def train_images_per_s(self) -> float | None:
        """Median of the per-step ``train/images_per_sec`` the run logged (robust to a pause
        or a busy machine during some steps), else its summary's mean."""
        values = []
        for path in sorted(self.path.glob("events.out.tfevents.*")):
            accumulator = EventAccumulator(str(path), size_guidance={"scalars": 0})
            accumulator.Reload()
            if THROUGHPUT_TAG in accumulator.Tags()["scalars"]:
                values += [event.value for event in accumulator.Scalars(THROUGHPUT_TAG)]
        return statistics.median(values) if values else self.summary.get("train_images_per_s")


def is_run_dir(path: Path) -> bool:
    return (path / ".hydra" / "config.yaml").is_file()


def load_run(path: Path) -> SweepRun:
    """The finished run in `path`; SweepError if it has no summary or final checkpoint."""
    summary_path = path / "summary.json"
    if not summary_path.is_file():
        raise SweepError(f"{path} has no summary.json: the run has not finished training")
    try:
        checkpoint = find_checkpoint(path, "last")
    except FileNotFoundError as error:
        raise SweepError(f"{path}: {error} (the run's final weights)") from error
    return SweepRun(
        path=path,
        config=load_run_config(path),
        overrides=command_overrides(path),
        summary=json.loads(summary_path.read_text()),
        checkpoint=checkpoint,
    )


def find_runs(
    paths: Sequence[Path], finished_only: bool = False
) -> tuple[list[SweepRun], list[Path]]:
    """(runs, left out): the runs of `paths`, each a run folder or a sweep folder of run
    folders, in order; with `finished_only` the runs of a sweep folder that have not finished
    (no summary.json) are left out, else they are an error."""
    runs, left_out = [], []
    for path in paths:
        if not path.is_dir():
            raise SweepError(f"{path} is not a folder: expected a sweep or run folder")
        if is_run_dir(path):
            runs.append(load_run(path))
            continue
        found = sorted(p for p in path.iterdir() if p.is_dir() and is_run_dir(p))
        if not found:
            raise SweepError(
                f"{path} holds no runs: expected sub-folders with .hydra/config.yaml, as "
                "`python scripts/train.py -m ...` or inpaint-study writes them"
            )
        if finished_only:
            left_out += [p for p in found if not (p / "summary.json").is_file()]
            found = [p for p in found if (p / "summary.json").is_file()]
        runs += [load_run(p) for p in found]
    if not runs:
        raise SweepError(f"no finished runs in {', '.join(map(str, paths))}")
    return runs, left_out


def _value(config: DictConfig, key: str) -> Any:
    value = OmegaConf.select(config, key)
    return OmegaConf.to_container(value) if OmegaConf.is_config(value) else value


def _first_difference(a: Any, b: Any, key: str) -> tuple[str, Any, Any] | None:
    """The first (dotted key, value, value) where `a` and `b` differ; keys that only one side
    has are skipped: a run of an older version lacks the settings added since, whose defaults
    keep the older behaviour."""
    if isinstance(a, dict) and isinstance(b, dict):
        for name in a.keys() & b.keys():
            found = _first_difference(a[name], b[name], f"{key}.{name}")
            if found is not None:
                return found
        return None
    return None if a == b else (key, a, b)


def check_comparable(runs: Sequence[SweepRun]) -> None:
    """SweepError naming two runs and the setting if they differ in data, masks or steps."""
    first = runs[0]
    for run in runs[1:]:
        for key in SHARED:
            found = _first_difference(_value(first.config, key), _value(run.config, key), key)
            if found is not None:
                setting, theirs, ours = found
                raise SweepError(
                    f"runs {first.path} and {run.path} differ in {setting} ({theirs!r} vs "
                    f"{ours!r}): compare runs trained on the same data, masks and steps"
                )


def _override_items(overrides: Sequence[str]) -> dict[str, str]:
    """``key -> value`` of a Hydra command line, without the seed and bookkeeping keys."""
    items = {}
    for override in overrides:
        key, _, value = override.lstrip("+~").partition("=")
        if key != SEED_KEY and not key.startswith(UNGROUPED_PREFIXES):
            items[key] = value
    return items


def group_runs(runs: Sequence[SweepRun]) -> dict[str, list[SweepRun]]:
    """Label -> runs: a label is the overrides in which its runs differ from some other run
    (e.g. ``model/block=gated``); runs differing only in seed share one. In first-seen order."""
    items = [_override_items(run.overrides) for run in runs]
    keys = list(dict.fromkeys(key for item in items for key in item))
    varying = [k for k in keys if len({item.get(k) for item in items}) > 1]
    groups: dict[str, list[SweepRun]] = {}
    for run, item in zip(runs, items, strict=True):
        label = " ".join(f"{k}={item[k]}" for k in varying if k in item) or "all runs"
        groups.setdefault(label, []).append(run)
    for label, members in groups.items():
        seeds = [run.seed for run in members]
        if len(set(seeds)) != len(seeds):
            raise SweepError(
                f"runs {[str(r.path) for r in members]} ({label}) share a seed: a group's runs "
                "must differ only in seed"
            )
    return groups
