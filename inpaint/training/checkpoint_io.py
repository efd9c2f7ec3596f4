"""Checkpoint writing that never leaves a truncated file behind."""

from __future__ import annotations

from typing import Any, BinaryIO

import torch
from lightning.pytorch.plugins.io import TorchCheckpointIO

from inpaint.utils import atomic_write


class _RecordingWriter:
    """The file as torch.save sees it, keeping the OSError of a write that failed: torch turns
    it into a RuntimeError that no longer says why (a full disk, say)."""

    def __init__(self, file: BinaryIO) -> None:
        self.file = file
        self.error: OSError | None = None

    def write(self, data: bytes) -> int:
        try:
            return self.file.write(data)
        except OSError as error:
            self.error = error
            raise

    def flush(self) -> None:
        self.file.flush()


class AtomicCheckpointIO(TorchCheckpointIO):
    """Writes each checkpoint to a temporary file next to the target and renames it into place,
    so a run killed mid-write keeps its previous checkpoint intact. (Lightning's own writer
    stages the file in the system temp dir, which is not atomic across file systems.) A full
    disk is a DiskFullError naming the checkpoint."""

    def save_checkpoint(self, checkpoint: dict[str, Any], path, storage_options=None) -> None:
        if storage_options is not None:
            raise TypeError(
                f"{type(self).__name__} takes no storage_options, got {storage_options}"
            )
        with atomic_write(path, "wb") as file:
            writer = _RecordingWriter(file)
            try:
                torch.save(checkpoint, writer)
            except RuntimeError as error:
                if writer.error is None:
                    raise
                raise writer.error from error  # atomic_write names a full disk
