"""One warning per epoch listing the unreadable images that were skipped."""

from __future__ import annotations

import warnings

import lightning as L


class BadImageReport(L.Callback):
    """Collects ``batch["skipped"]`` (index of an unreadable file a sample replaced, or -1)
    during each epoch and warns once at its end with the paths and their count. Works with
    any number of DataLoader workers, because the information travels in the batches."""

    def __init__(self) -> None:
        self._seen: dict[str, set[int]] = {"train": set(), "val": set()}

    def _collect(self, stage: str, batch) -> None:
        if isinstance(batch, dict) and "skipped" in batch:
            self._seen[stage].update(i for i in batch["skipped"].tolist() if i >= 0)

    def _report(self, trainer, stage: str) -> None:
        indices, self._seen[stage] = sorted(self._seen[stage]), set()
        datamodule = trainer.datamodule
        if not indices or datamodule is None:
            return
        files = datamodule.train_dataset.files if stage == "train" else datamodule.val_dataset.files
        paths = [str(files[i]) for i in indices]
        # the epoch in the text: Python's default filter shows a repeated message only once
        when = "sanity check" if trainer.sanity_checking else f"epoch {trainer.current_epoch}"
        warnings.warn(
            f"{when}: skipped {len(paths)} unreadable {stage} image(s): {', '.join(paths)}",
            stacklevel=2,
        )

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx) -> None:
        self._collect("train", batch)

    def on_validation_batch_end(
        self, trainer, pl_module, outputs, batch, batch_idx, dataloader_idx=0
    ):
        self._collect("val", batch)

    def on_train_epoch_end(self, trainer, pl_module) -> None:
        self._report(trainer, "train")

    def on_validation_epoch_end(self, trainer, pl_module) -> None:
        self._report(trainer, "val")
