"""Section 3d: training samples per second of the data path, the CPU loader with 0, 1, 2, ...
worker processes and the batches made on the device (``data.device_batches``).

Both draw 256-px random resized crops of the embedded photos (decoded once, cached) with the
shipped recipes' mixture masks, as training does. A GPU needs thousands of samples per second;
this says how many CPU workers that takes, or what the device makes alone.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import torch
from hydra.utils import instantiate

from inpaint.benchmark.settings import DataSettings
from inpaint.data import InpaintDataModule
from inpaint.utils import compose_train_config

# the masks of the shipped recipes (experiment=pretrained_standard, gpu_fourier)
MASK_OVERRIDES = ("mask=mixture", "mask.min_ratio=0.01", "mask.max_ratio=0.6")


def _datamodule(settings: DataSettings, workers: int, device_batches: bool) -> InpaintDataModule:
    masks = instantiate(compose_train_config(MASK_OVERRIDES).mask)
    return InpaintDataModule(
        image_size=settings.size,
        batch_size=settings.batch,
        num_workers=workers,
        persistent_workers=False,
        mask_generator=masks,
        train_samples_per_epoch=settings.batch * (settings.batches + 1),
        crop_scale=(0.4, 0.9),
        cache_images=True,
        device_batches=device_batches,
        device_mask_bank=settings.mask_bank,
    )


def _rate(batches: int, batch: int, timed: Callable[[], None]) -> dict[str, float]:
    start = time.perf_counter()
    timed()
    seconds = time.perf_counter() - start
    return {"samples_per_s": batches * batch / seconds, "ms_per_batch": 1e3 * seconds / batches}


def _loader_rate(settings: DataSettings, workers: int) -> dict[str, float]:
    """The loader's rate after its first batch (worker start-up and photo decoding)."""
    batches = iter(_datamodule(settings, workers, False).train_dataloader())
    next(batches)

    def drain() -> None:
        for _ in range(settings.batches):
            next(batches)

    return _rate(settings.batches, settings.batch, drain)


def _device_rate(settings: DataSettings, device: torch.device, sync: Callable[[], None]):
    made = _datamodule(settings, 0, True).device_batches.to(device)
    generator = torch.Generator(device).manual_seed(0)
    made.batch(settings.batch, generator)  # warm-up
    sync()

    def draw() -> None:
        for _ in range(settings.batches):
            made.batch(settings.batch, generator)
        sync()

    return _rate(settings.batches, settings.batch, draw)


def benchmark_data(
    settings: DataSettings, device: torch.device, sync: Callable[[], None]
) -> list[dict[str, Any]]:
    """One row per CPU loader (``workers`` of `settings`) and one for device batches on
    `device`: ``pipeline, workers, samples_per_s, ms_per_batch``."""
    rows = [
        {"pipeline": "CPU loader", "workers": w, **_loader_rate(settings, w)}
        for w in settings.workers
    ]
    rows.append(
        {
            "pipeline": f"device batches ({device.type})",
            "workers": 0,
            **_device_rate(settings, device, sync),
        }
    )
    return rows
