"""A demo page serving a tiny model on 127.0.0.1, closed when the test ends."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import numpy as np
import pytest
import torch
from PIL import Image

from inpaint.inference import save_generator
from inpaint.models import UNetGenerator

gr = pytest.importorskip("gradio", reason="the demo extra is not installed")

TINY = {"block": "standard", "upsample": "resize", "widths": [8, 16], "context_dilations": []}


@pytest.fixture
def tiny_models(tmp_path):
    """ModelCache with one tiny model named ``tiny``."""
    from inpaint.demo.inference import ModelCache

    torch.manual_seed(0)
    path = tmp_path / "tiny.safetensors"
    save_generator(UNetGenerator(**TINY), {"generator": TINY}, path)
    return ModelCache({"tiny": str(path)}, device="cpu")


@pytest.fixture
def photo(tmp_path):
    """(path, uint8 [60, 80, 3]) of a random RGB photo."""
    pixels = np.random.default_rng(0).integers(0, 256, size=(60, 80, 3), dtype=np.uint8)
    path = tmp_path / "photo.png"
    Image.fromarray(pixels).save(path)
    return path, pixels


@pytest.fixture
def served_page(tiny_models) -> Iterator[str]:
    """URL of the page on a free port of 127.0.0.1; the server stops after the test."""
    from inpaint.demo.page import build_page

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    page = build_page(tiny_models, "tiny")
    page.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        page.close()
