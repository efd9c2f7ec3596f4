"""Build everything from a composed Hydra config and train; write the run's summary."""

from __future__ import annotations

import json
import logging
import time
import warnings
from pathlib import Path
from typing import Any

import lightning as L
from hydra.errors import InstantiationException
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf

from inpaint.layers import count_params
from inpaint.models import InpaintModule
from inpaint.training.hparams import TensorBoardHparams
from inpaint.training.init_from import generator_config, initialize_generator
from inpaint.training.lineage import write_record
from inpaint.training.resume_checkpoint import find_checkpoint, read_checkpoint
from inpaint.training.resume_config import (
    RunConfigInCheckpoint,
    command_line_overrides,
    record_config,
    resumed_config,
    saved_run,
)
from inpaint.training.summary_flops import count_flops_in_model_summary
from inpaint.training.throughput import ImagesPerSecond
from inpaint.training.trainer import accumulate_grad_batches, build_trainer
from inpaint.utils import ConfigError, atomic_write, constructor_error

log = logging.getLogger(__name__)

# config groups logged as hyperparameters (TensorBoard's HPARAMS tab lines runs up by these)
HPARAM_GROUPS = ("model", "data", "mask", "loss", "seed")
FINAL_METRICS = ("val/psnr", "val/ssim", "val/l1", "val/sharpness")


def build_module(cfg: DictConfig) -> InpaintModule:
    """The LightningModule described by ``cfg.model`` and ``cfg.loss``."""
    model = cfg.model
    return InpaintModule(
        generator=instantiate(model.generator, **generator_config(cfg)),
        loss=instantiate(cfg.loss),
        optimizer=instantiate(model.optimizer),
        scheduler=instantiate(model.scheduler) if model.scheduler is not None else None,
        discriminator=instantiate(model.discriminator) if model.discriminator is not None else None,
        discriminator_optimizer=(
            instantiate(model.discriminator_optimizer)
            if model.discriminator_optimizer is not None
            else None
        ),
        discriminator_warmup_steps=model.discriminator_warmup_steps,
        nonfinite_loss=model.nonfinite_loss,
        gradient_clip_norm=model.gradient_clip_norm,
        accumulate_grad_batches=accumulate_grad_batches(cfg),
        num_logged_images=model.num_logged_images,
        channels_last=model.channels_last,
        compiled=model.compile,
    )


def build(
    cfg: DictConfig, resuming: bool = False, record_dir: Path | None = None
) -> tuple[InpaintModule, L.LightningDataModule]:
    """Module and data module, with every config check done before anything is trained.
    `resuming`: the weights come from the checkpoint, so ``model.init_from``'s are not read.
    `record_dir`: the folder of the record of ``model.init_from``'s weights (``init_from.json``,
    :mod:`inpaint.training.lineage`), written or, without ``init_from``, removed when not
    resuming."""
    try:
        datamodule = instantiate(cfg.data, mask_generator=instantiate(cfg.mask))
        module = build_module(cfg)
    except (InstantiationException, ValueError, FileNotFoundError) as error:
        raise ConfigError(str(constructor_error(error))) from error
    multiple = module.generator.size_multiple
    if cfg.data.image_size % multiple:
        raise ConfigError(
            f"data.image_size={cfg.data.image_size} must be divisible by {multiple} "
            f"(2 ** {len(module.generator.widths) - 1} downsamplings of model.generator.widths)"
        )
    if not resuming:  # after the checks that need no weights
        record = initialize_generator(module.generator, cfg) if cfg.model.get("init_from") else None
        if record_dir is not None:
            write_record(record_dir, record)
    count_flops_in_model_summary(module, cfg.data.image_size)
    return module, datamodule


def build_callbacks(cfg: DictConfig) -> list[L.Callback]:
    """The callbacks of ``cfg.callbacks``; a value a constructor refuses is a ConfigError
    naming the callback."""
    callbacks = []
    for name, spec in (cfg.get("callbacks") or {}).items():
        try:
            callbacks.append(instantiate(spec))
        except (InstantiationException, ValueError, TypeError) as error:
            raise ConfigError(f"callbacks.{name}: {constructor_error(error)}") from error
    return callbacks


def hyperparameters(cfg: DictConfig) -> dict[str, Any]:
    """The resolved config groups that define a run's result."""
    return {
        group: OmegaConf.to_container(cfg[group], resolve=True)
        if OmegaConf.is_config(cfg[group])
        else cfg[group]
        for group in HPARAM_GROUPS
    }


def resume(cfg: DictConfig) -> tuple[DictConfig, Path | None, list[str]]:
    """(config, checkpoint, overrides) of this run: with ``ckpt_path`` the checked checkpoint
    and the run's saved config with this command line's changes (`resumed_config`)."""
    overrides = command_line_overrides()
    path = find_checkpoint(cfg)
    if path is None:
        return cfg, None, overrides
    saved = saved_run(read_checkpoint(path), path)
    if saved is None:
        log.warning("%s holds no saved run config: resuming with this command line's", path)
        return cfg, path, overrides
    cfg, overrides = resumed_config(cfg, saved)
    record_config(cfg)
    return cfg, path, overrides


def train(cfg: DictConfig) -> dict[str, Any]:
    """Train as configured (resuming from ``ckpt_path``); returns (and writes to
    ``<output_dir>/summary.json``) the run's wall time, images/s and final validation metrics.
    A run that starts from ``model.init_from`` first writes ``<output_dir>/init_from.json``."""
    cfg, checkpoint, overrides = resume(cfg)
    callbacks = build_callbacks(cfg)
    callbacks += [
        TensorBoardHparams(hyperparameters(cfg), FINAL_METRICS),
        RunConfigInCheckpoint(cfg, overrides),
    ]
    logger = instantiate(cfg.logger) if cfg.get("logger") else False
    trainer = build_trainer(cfg, callbacks=callbacks, logger=logger)
    L.seed_everything(cfg.seed, workers=True)
    run_dir = Path(cfg.paths.output_dir).absolute()
    module, datamodule = build(
        cfg,
        resuming=checkpoint is not None,
        record_dir=run_dir if trainer.is_global_zero else None,
    )
    if trainer.is_global_zero:
        log.info("run folder: %s", run_dir)

    start = time.perf_counter()
    with warnings.catch_warnings():
        # Lightning nags about a test-only "pre-optimization state" under manual optimization.
        warnings.filterwarnings("ignore", message=".*pre-optimization state.*")
        # ema=on: configure_model only compiles in place; there is no sharding to lose
        warnings.filterwarnings("ignore", message=".*WeightAveraging doesn't support sharding.*")
        trainer.fit(module, datamodule=datamodule, ckpt_path=checkpoint)
    wall_time = time.perf_counter() - start

    metrics = {k: float(v) for k, v in trainer.callback_metrics.items() if k.startswith("val")}
    throughput = next((c for c in callbacks if isinstance(c, ImagesPerSecond)), None)
    summary = {
        "block": module.generator.block.name,
        "upsample": module.generator.upsample_spec.name,
        "generator_params": count_params(module.generator),
        "global_step": trainer.global_step,
        "epochs": trainer.current_epoch,
        "wall_time_s": round(wall_time, 2),
        "train_images_per_s": round(throughput.mean_images_per_second, 2) if throughput else None,
        "nonfinite_steps": module.nonfinite_steps,
        "metrics": metrics,
    }
    if trainer.is_global_zero:
        with atomic_write(run_dir / "summary.json", "w") as file:
            json.dump(summary, file, indent=2)
        log.info("run summary: %s", json.dumps(summary))
        log.info("run folder: %s (summary.json, checkpoints/, TensorBoard events)", run_dir)
    return summary
