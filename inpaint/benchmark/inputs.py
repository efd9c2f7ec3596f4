"""Benchmark inputs: reproducible images and masks drawn by the training mask generator."""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor

from inpaint.data import MaskGenerator, known_from_holes


def known_masks(generator: MaskGenerator, count: int, size: int, seed: int) -> Tensor:
    """``count`` masks of ``size x size`` from ``generator``, as a batch.

    Returns:
        Tensor[count, 1, size, size]: float, 1 = known pixel, 0 = hole.
    """
    rng = np.random.default_rng(seed)
    masks = [known_from_holes(generator(size, size, rng)) for _ in range(count)]
    return torch.from_numpy(np.stack(masks)[:, None])


def random_images(count: int, size: int, seed: int, channels: int = 3) -> Tensor:
    """Uniform noise images in [0, 1]: Tensor[count, channels, size, size] (the timings of
    convolutions do not depend on the pixel values)."""
    generator = torch.Generator().manual_seed(seed)
    return torch.rand(count, channels, size, size, generator=generator)
