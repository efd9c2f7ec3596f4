"""The run's hyperparameters in TensorBoard's HPARAMS tab from the start of training."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import lightning as L
from torch.utils.tensorboard import SummaryWriter
from torch.utils.tensorboard.summary import hparams


def flatten(params: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """``("model/block/name", "gated")``, ...: nested keys joined by ``/``, values that
    TensorBoard cannot show (lists, None) as text."""
    for key, value in params.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            yield from flatten(value, f"{name}/")
        else:
            yield name, value if isinstance(value, (bool, int, float, str)) else str(value)


class TensorBoardHparams(L.Callback):
    """Logs `params` when fit starts, so that a run that is killed is listed too: to every
    logger (TensorBoardLogger keeps them in hparams.yaml), and to TensorBoard's HPARAMS tab
    with a column per tag of `metrics`. TensorBoard fills those columns from the run's
    scalars of the same tags (the last value logged), so they show the final metrics once the
    run's last validation is logged. The session's end (status: success) is written when fit
    ends."""

    def __init__(self, params: Mapping[str, Any], metrics: Sequence[str]) -> None:
        self.params = params
        self.experiment, self.session_start, self.session_end = hparams(
            dict(flatten(params)), dict.fromkeys(metrics, 0.0)
        )

    @staticmethod
    def _writer(trainer: L.Trainer) -> SummaryWriter | None:
        experiment = getattr(trainer.logger, "experiment", None)
        return experiment if isinstance(experiment, SummaryWriter) else None

    def on_fit_start(self, trainer: L.Trainer, pl_module) -> None:
        for logger in trainer.loggers:
            logger.log_hyperparams(self.params)
        writer = self._writer(trainer)
        if writer is not None:
            writer.file_writer.add_summary(self.experiment)
            writer.file_writer.add_summary(self.session_start)
            writer.flush()

    def on_fit_end(self, trainer: L.Trainer, pl_module) -> None:
        writer = self._writer(trainer)
        if writer is not None:
            writer.file_writer.add_summary(self.session_end)
            writer.flush()
