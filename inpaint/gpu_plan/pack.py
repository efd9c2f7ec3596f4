"""Everything a GPU visit brings back, in at most MAX_FILES files of at most MAX_FILE_BYTES:
one tar per trained candidate (weights and card), the evaluation (tables, charts, the study's
comparison), the benchmark, the TensorBoard events and the logs with plan.json."""

from __future__ import annotations

import tarfile
from collections.abc import Iterable
from pathlib import Path

MAX_FILES = 8
MAX_FILE_BYTES = 16 * 2**20
# what of the run folders is kept: curves, summaries, configs, cards; not the checkpoints
TENSORBOARD_PATTERNS = ("events.out.tfevents.*", "summary.json", "config.yaml", "overrides.yaml")
LOG_PATTERNS = ("*.log", "plan.json", "study.json")


def _tar(path: Path, files: Iterable[Path], root: Path) -> Path | None:
    """A gzipped tar of `files` (named relative to `root`) at `path`; None if there are none."""
    files = sorted({f for f in files if f.is_file()})
    if not files:
        return None
    with tarfile.open(path, "w:gz") as archive:
        for file in files:
            archive.add(file, arcname=str(file.relative_to(root)))
    return path


def _matching(folder: Path, patterns: Iterable[str]) -> list[Path]:
    return [f for pattern in patterns for f in folder.rglob(pattern)] if folder.is_dir() else []


def pack(work: Path, out: Path, candidates: Iterable[str]) -> tuple[list[Path], list[str]]:
    """Pack `work`'s results into `out`; returns (files written, notes on what was left out
    because it was missing or too large)."""
    out.mkdir(parents=True, exist_ok=True)
    written, notes = [], []
    parts = [
        (
            f"{name}.tar.gz",
            [work / "candidates" / f"{name}.safetensors", work / "candidates" / f"{name}.json"],
        )
        for name in candidates
    ]
    parts += [
        ("evaluation.tar.gz", _matching(work / "evaluation", ("*",))),
        ("benchmark.tar.gz", _matching(work / "benchmark", ("*",))),
        (
            "tensorboard.tar.gz",
            _matching(work / "runs", TENSORBOARD_PATTERNS)
            + _matching(work / "study", TENSORBOARD_PATTERNS),
        ),
        ("logs.tar.gz", [f for f in _matching(work, LOG_PATTERNS) if "evaluation" not in f.parts]),
    ]
    for name, files in parts[:MAX_FILES]:
        path = _tar(out / name, files, work)
        if path is None:
            notes.append(f"{name}: nothing to pack")
        elif path.stat().st_size > MAX_FILE_BYTES:
            notes.append(f"{name}: {path.stat().st_size / 2**20:.1f} MiB, over the limit; left out")
            path.unlink()
        else:
            written.append(path)
    return written, notes
