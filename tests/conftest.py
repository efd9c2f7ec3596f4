"""Shared fixtures: composed Hydra configs for fast CPU runs into tmp_path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hydra import compose, initialize_config_module
from hydra.core.global_hydra import GlobalHydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, open_dict
from PIL import Image

# Small enough for a CPU test, big enough to exercise every part of the pipeline.
FAST_OVERRIDES = [
    "data.image_size=32",
    "data.batch_size=2",
    "data.val_batch_size=2",
    "data.num_workers=0",
    "data.train_samples_per_epoch=4",
    "data.val_samples=4",
    "model.generator.widths=[8,16,16]",
    "model.generator.context_dilations=[2]",
    "model.num_logged_images=2",
    "trainer.max_epochs=1",
    "trainer.log_every_n_steps=1",
    "trainer.num_sanity_val_steps=0",
    "trainer.enable_progress_bar=false",
]


@pytest.fixture
def make_cfg(tmp_path: Path) -> Callable[..., DictConfig]:
    """make_cfg(*overrides) -> the training config with FAST_OVERRIDES, writing into tmp_path."""

    def make(*overrides: str, output_dir: Path | None = None) -> DictConfig:
        GlobalHydra.instance().clear()
        with initialize_config_module("inpaint.configs", version_base="1.3"):
            cfg = compose(
                "train", overrides=[*FAST_OVERRIDES, *overrides], return_hydra_config=True
            )
        HydraConfig().set_config(cfg)
        with open_dict(cfg):
            cfg.paths.output_dir = str(output_dir or tmp_path / "run")
            cfg.paths.log_dir = str(tmp_path / "logs")
        return cfg

    yield make
    GlobalHydra.instance().clear()


@pytest.fixture
def image_folder(tmp_path: Path) -> Path:
    """A folder of six 48x40 random RGB PNGs."""
    folder = tmp_path / "images"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for i in range(6):
        pixels = rng.integers(0, 256, size=(40, 48, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(folder / f"photo_{i}.png")
    return folder
