"""A run always ends with a validation at its final step."""

from __future__ import annotations

import lightning as L


class ValidateAtEnd(L.Callback):
    """On the run's last training batch (``max_steps`` reached, or the last batch of the last
    epoch) requests a stop, which makes Lightning validate right after that batch, as it does
    for early stopping. The final metrics and the best checkpoint then describe the final
    weights even when the run ends between two scheduled validations (``max_steps`` within
    an epoch, ``val_check_interval`` not dividing the epoch)."""

    def on_train_batch_end(self, trainer: L.Trainer, pl_module, outputs, batch, batch_idx) -> None:
        max_steps_reached = trainer.max_steps != -1 and trainer.global_step >= trainer.max_steps
        last_epoch = trainer.max_epochs not in (None, -1) and (
            trainer.current_epoch + 1 >= trainer.max_epochs
        )
        last_batch = trainer.is_last_batch or batch_idx + 1 >= trainer.num_training_batches
        if max_steps_reached or (last_epoch and last_batch):
            trainer.should_stop = True
