"""The checkpoint ``ckpt_path`` names, found and checked before anything is built or trained.

``ckpt_path=last`` is the newest ``last*.ckpt`` in ``paths.checkpoint_dir`` (the run folder's
``checkpoints/``); any other value is a checkpoint file. Both must be a training checkpoint
that Lightning can resume: a readable torch file with the model's ``state_dict`` and the
optimizer states.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import torch
from omegaconf import DictConfig

from inpaint.utils import ConfigError

# what Lightning's ModelCheckpoint(save_last=True) writes: last.ckpt, or last-v1.ckpt, ...
LAST_CHECKPOINT = re.compile(r"^last(-v\d+)?\.ckpt$")
# what resuming needs of a Lightning checkpoint
REQUIRED_KEYS = ("state_dict", "optimizer_states")
EXPECTED = "expected a .ckpt that scripts/train.py wrote (checkpoints/last.ckpt or best-*.ckpt)"


def find_checkpoint(cfg: DictConfig) -> Path | None:
    """The file ``cfg.ckpt_path`` names (None when not resuming).

    Raises:
        ConfigError: ``last`` with no last checkpoint in the run folder, or a missing file.
    """
    if cfg.ckpt_path is None:
        return None
    if cfg.ckpt_path == "last":
        directory = Path(cfg.paths.checkpoint_dir).absolute()
        found = (
            [p for p in directory.iterdir() if LAST_CHECKPOINT.match(p.name)]
            if directory.is_dir()
            else []
        )
        if not found:
            raise ConfigError(
                f"ckpt_path=last: no last.ckpt in {directory}; pass hydra.run.dir=<the run to "
                "resume>, or ckpt_path=<a checkpoint file>"
            )
        return max(found, key=lambda p: p.stat().st_mtime)
    path = Path(cfg.ckpt_path).expanduser().absolute()
    if not path.is_file():
        raise ConfigError(f"ckpt_path={cfg.ckpt_path}: no such file ({path}); {EXPECTED}")
    return path


def read_checkpoint(path: Path) -> dict[str, Any]:
    """The checkpoint at `path`, memory-mapped (its tensors are not read here).

    Loaded like Lightning loads it (``weights_only=True``, torch's default): plain tensors,
    containers and numbers only; a checkpoint that pickles other objects is refused by both.

    Raises:
        ConfigError: a file that is not a torch file, truncated, or lacks `REQUIRED_KEYS`.
    """
    if not zipfile.is_zipfile(path):  # torch.save writes a zip archive, its index at the end
        raise ConfigError(
            f"ckpt_path={path}: not a torch checkpoint (no complete zip archive as torch.save "
            f"writes: truncated, or another format); {EXPECTED}"
        )
    try:
        checkpoint = torch.load(path, map_location="cpu", weights_only=True, mmap=True)
    except Exception as error:  # torch raises several types for files it cannot read
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ConfigError(
            f"ckpt_path={path}: not a readable checkpoint ({reason}); {EXPECTED}"
        ) from error
    missing = [k for k in REQUIRED_KEYS if not isinstance(checkpoint, dict) or k not in checkpoint]
    if missing:
        raise ConfigError(
            f"ckpt_path={path}: a torch file without {' and '.join(missing)}, not a training "
            f"checkpoint; {EXPECTED}"
        )
    return checkpoint
