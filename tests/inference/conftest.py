"""A tiny generator saved as safetensors + card, for inference tests."""

from pathlib import Path

import pytest
import torch

from inpaint.inference import load_pretrained, save_generator
from inpaint.models import UNetGenerator

TINY_GENERATOR = {
    "block": "standard",
    "upsample": "resize",
    "widths": [8, 16],
    "context_dilations": [],
}


@pytest.fixture
def tiny_config() -> dict:
    """UNetGenerator kwargs of the tiny model."""
    return dict(TINY_GENERATOR)


@pytest.fixture
def tiny_weights(tmp_path: Path) -> Path:
    """Path of a tiny standard-conv generator (size multiple 2) with its card."""
    torch.manual_seed(0)
    path = tmp_path / "models" / "tiny.safetensors"
    save_generator(UNetGenerator(**TINY_GENERATOR), {"generator": TINY_GENERATOR}, path)
    return path


@pytest.fixture
def tiny_model(tiny_weights: Path):
    return load_pretrained(tiny_weights, device="cpu")
