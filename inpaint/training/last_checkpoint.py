"""last.ckpt that always holds the final weights."""

from __future__ import annotations

import lightning as L
from lightning.pytorch.callbacks import ModelCheckpoint


class LastCheckpoint(ModelCheckpoint):
    """``ModelCheckpoint(save_last=True, every_n_train_steps=N)`` that also writes last.ckpt
    when training ends between two of its saves (``max_steps`` not a multiple of ``N``, or a
    stop within an epoch). Lightning's own end-of-training save only happens when no last.ckpt
    was written during the run, which leaves last.ckpt up to ``N - 1`` steps behind the final
    weights that the run's metrics, summary and exported model describe."""

    def on_train_end(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        super().on_train_end(trainer, pl_module)
        if self.save_last and self._last_global_step_saved != trainer.global_step:
            self._save_last_checkpoint(trainer, self._monitor_candidates(trainer))
