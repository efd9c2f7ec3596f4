"""Checkpoint writing that never leaves a truncated file behind."""

from __future__ import annotations

from typing import Any

import torch
from lightning.pytorch.plugins.io import TorchCheckpointIO

from inpaint.utils import atomic_write


class AtomicCheckpointIO(TorchCheckpointIO):
    """Writes each checkpoint to a temporary file next to the target and renames it into place,
    so a run killed mid-write keeps its previous checkpoint intact. (Lightning's own writer
    stages the file in the system temp dir, which is not atomic across file systems.)"""

    def save_checkpoint(self, checkpoint: dict[str, Any], path, storage_options=None) -> None:
        if storage_options is not None:
            raise TypeError(
                f"{type(self).__name__} takes no storage_options, got {storage_options}"
            )
        with atomic_write(path, "wb") as file:
            torch.save(checkpoint, file)
