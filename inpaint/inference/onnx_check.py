"""How far an ONNX export's predictions are from its PyTorch generator's."""

from __future__ import annotations

import torch

from inpaint.inference.inpainter import Inpainter
from inpaint.inference.onnx_generator import OnnxGenerator
from inpaint.models import UNetGenerator

#: the largest difference on hole pixels an export may have: one 8-bit level
TOLERANCE = 1 / 255


def hole_difference(
    generator: UNetGenerator, exported: OnnxGenerator, size: tuple[int, int], seed: int = 0
) -> float:
    """Largest |onnxruntime - PyTorch| over the hole pixels of a random 1 x 3 x `size` (H, W)
    image with random holes, both predicted by `Inpainter.predict` (padded to the size multiple
    as for any image, cropped back, clamped to [0, 1]) on the CPU."""
    rng = torch.Generator().manual_seed(seed)
    image = torch.rand(1, 3, *size, generator=rng)
    known = (torch.rand(1, 1, *size, generator=rng) > 0.3).float()
    expected = Inpainter(generator, device="cpu").predict(image, known)
    actual = Inpainter(exported).predict(image, known)
    holes = (known == 0).expand_as(expected)
    return (actual - expected).abs()[holes].max().item()
