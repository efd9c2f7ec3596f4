"""What is evaluated: anything that fills the holes of a batch of images."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np

from inpaint.inference import load_pretrained


class Method(Protocol):
    """An inpainting method under evaluation.

    __call__(images uint8 [N, H, W, 3] RGB, holes bool [N, H, W], True = hole)
        -> uint8 [N, H, W, 3]; known pixels may differ, the evaluation composites.
    """

    name: str
    params: int  # learned parameters (0 for classical methods)

    def __call__(self, images: np.ndarray, holes: np.ndarray) -> np.ndarray: ...


class NetworkMethod:
    """A trained generator (shipped name or .safetensors path) through `Inpainter`."""

    def __init__(self, name_or_path: str | Path, device: str = "auto") -> None:
        self.model = load_pretrained(name_or_path, device=device)
        self.name = self.model.card.get("name") or Path(name_or_path).stem
        self.params = sum(p.numel() for p in self.model.generator.parameters())

    def __call__(self, images: np.ndarray, holes: np.ndarray) -> np.ndarray:
        return np.stack(self.model.inpaint_batch(list(images), list(holes)))
