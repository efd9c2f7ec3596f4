"""Hydra configs of training (``train.yaml`` and one folder per group), and the resolver that
``hydra/default.yaml`` uses. Hydra imports this package to read the configs, which registers
the resolver."""

from __future__ import annotations

from pathlib import Path

from omegaconf import OmegaConf

RECORD_RESOLVER = "inpaint.record_subdir"
# first answer per (ckpt_path, run folder): Hydra's record is written after the first one
_record_subdirs: dict[tuple[str | None, str], str] = {}


def record_subdir(ckpt_path: str | None, output_dir: str, time: str) -> str:
    """Where Hydra writes this attempt's config.yaml, overrides.yaml and hydra.yaml: ``.hydra``,
    or ``.hydra/resume-<time>`` when resuming into a run folder that already has a record, so
    that the record of how the run started is never overwritten. The same answer every time
    it is asked in a process."""
    key = (ckpt_path, output_dir)
    if key not in _record_subdirs:
        resuming_into_a_run = (Path(output_dir) / ".hydra" / "config.yaml").is_file()
        _record_subdirs[key] = (
            f".hydra/resume-{time}" if ckpt_path is not None and resuming_into_a_run else ".hydra"
        )
    return _record_subdirs[key]


if not OmegaConf.has_resolver(RECORD_RESOLVER):
    OmegaConf.register_new_resolver(RECORD_RESOLVER, record_subdir)
