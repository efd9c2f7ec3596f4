"""The ``lightning.Trainer`` of ``cfg.trainer``, with the settings that cannot work refused
before anything is built.

The module optimises manually, which Lightning's own gradient accumulation and clipping do
not support: ``trainer.accumulate_grad_batches`` is handed to the module (which accumulates
itself, see `accumulate_grad_batches`), and the generator's gradients are clipped by
``model.gradient_clip_norm``.
"""

from __future__ import annotations

from typing import Any

import lightning as L
from hydra.errors import InstantiationException
from hydra.utils import instantiate
from lightning.fabric.utilities.exceptions import MisconfigurationException
from lightning.pytorch.accelerators import CUDAAccelerator, MPSAccelerator
from omegaconf import DictConfig

from inpaint.utils import ConfigError, constructor_error

NO_GPU_HINT = (
    "use trainer=default (one device, picked automatically), trainer=cpu, "
    "or trainer=ddp trainer.accelerator=cpu (2 CPU processes)"
)


def accumulate_grad_batches(cfg: DictConfig) -> int:
    """``trainer.accumulate_grad_batches``: batches per optimizer step, summed by the module."""
    value = cfg.trainer.get("accumulate_grad_batches", 1)
    if not (isinstance(value, int) and value >= 1):
        raise ConfigError(f"trainer.accumulate_grad_batches={value}: expected an integer >= 1")
    return value


def _check_gradient_clipping(trainer: DictConfig) -> None:
    for key in ("gradient_clip_val", "gradient_clip_algorithm"):
        if trainer.get(key) is not None:
            raise ConfigError(
                f"trainer.{key}={trainer[key]}: the module clips the generator's gradients "
                "itself, by norm; set model.gradient_clip_norm=<max norm> instead "
                "(null: no clipping)"
            )


def _check_gpu(trainer: DictConfig) -> None:
    accelerator = trainer.get("accelerator")
    has_gpu = CUDAAccelerator.is_available() or (
        accelerator == "gpu" and MPSAccelerator.is_available()
    )
    if accelerator in ("gpu", "cuda") and not has_gpu:
        raise ConfigError(
            f"trainer.accelerator={accelerator}: no GPU found on this machine; {NO_GPU_HINT}"
        )


def build_trainer(cfg: DictConfig, **kwargs: Any) -> L.Trainer:
    """``cfg.trainer`` instantiated with `kwargs` (callbacks, logger).

    Raises:
        ConfigError: gradient clipping set on the trainer, a GPU accelerator without a GPU,
            or any argument the Trainer rejects (its own message).
    """
    accumulate_grad_batches(cfg)
    _check_gradient_clipping(cfg.trainer)
    _check_gpu(cfg.trainer)
    try:
        # the module accumulates; Lightning's own accumulation refuses manual optimisation
        return instantiate(cfg.trainer, accumulate_grad_batches=1, **kwargs)
    except (InstantiationException, MisconfigurationException, ValueError) as error:
        raise ConfigError(f"trainer: {constructor_error(error)}") from error
