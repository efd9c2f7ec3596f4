"""Training throughput in images per second, logged to TensorBoard and kept for the run summary."""

from __future__ import annotations

import time

import lightning as L


class ImagesPerSecond(L.Callback):
    """Logs ``train/images_per_sec`` (the time from one batch's start to its end, so data
    loading is excluded) and keeps run totals in `images` and `seconds`."""

    def __init__(self) -> None:
        self.images = 0
        self.seconds = 0.0
        self._start = 0.0

    def on_train_batch_start(self, trainer, pl_module, batch, batch_idx) -> None:
        self._start = time.perf_counter()

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx) -> None:
        elapsed = time.perf_counter() - self._start
        count = batch["image"].shape[0] * trainer.world_size
        self.images += count
        self.seconds += elapsed
        pl_module.log("train/images_per_sec", count / elapsed, on_step=True, on_epoch=False)

    @property
    def mean_images_per_second(self) -> float:
        return self.images / self.seconds if self.seconds else 0.0
