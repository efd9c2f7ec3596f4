"""Shared fixtures: composed Hydra configs for fast CPU runs into tmp_path."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hydra import compose, initialize_config_module
from hydra.core.global_hydra import GlobalHydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf, open_dict
from PIL import Image

TINY_CONFIG = Path(__file__).parents[1] / "inpaint" / "configs" / "debug" / "tiny.yaml"


@pytest.fixture(scope="session")
def tiny_generator() -> dict:
    """The generator arguments that ``debug=tiny`` sets (widths, context dilations), for
    tests that build the same generator directly."""
    return OmegaConf.to_container(OmegaConf.load(TINY_CONFIG).model.generator)


@pytest.fixture
def make_cfg(tmp_path: Path) -> Callable[..., DictConfig]:
    """make_cfg(*overrides) -> the training config with ``debug=tiny`` (small enough for a CPU
    test, big enough to exercise every part of the pipeline), writing into tmp_path."""

    def make(*overrides: str, output_dir: Path | None = None) -> DictConfig:
        GlobalHydra.instance().clear()
        with initialize_config_module("inpaint.configs", version_base="1.3"):
            cfg = compose("train", overrides=["debug=tiny", *overrides], return_hydra_config=True)
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


@pytest.fixture
def huge_png(tmp_path: Path) -> Path:
    """A valid all-black 1-bit grey PNG of 30000x20000 (600 megapixels) in about 60 KB:
    past Pillow's decompression-bomb limit and the project's default pixel limit."""
    width, height = 30_000, 20_000

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte, then the packed bits
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    path = tmp_path / "huge.png"
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )
    return path
