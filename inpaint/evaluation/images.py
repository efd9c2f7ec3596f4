"""Which images are evaluated, and how they are brought to one square size."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torchvision.transforms import v2

from inpaint.data import list_images, load_rgb, sample_files, split_files

FITS = ("resize", "crop")


def select_files(
    root: str | Path | None, val_count: int | None = None, seed: int = 0
) -> list[Path]:
    """The images to evaluate.

    * no `root`: the held-out photos of the embedded `samples` set;
    * `root` alone: every image under it (recursively);
    * `root` and `val_count`: the held-out part of the seeded split that training with
      ``data.root=<root> data.val_count=<val_count> data.seed=<seed>`` uses.
    """
    if root is None:
        if val_count is not None:
            raise ValueError("--val-count splits a --root folder; give the folder too")
        return sample_files("val")
    files = list_images(root)
    return files if val_count is None else split_files(files, val_count, seed)[1]


def load_square(path: str | Path, size: int, fit: str = "resize") -> np.ndarray:
    """RGB uint8 [size, size, 3] from the image at `path`.

    ``resize``: shorter side resized to `size` (antialiased), then the centre crop, as the
    training's validation images; ``crop``: the centre crop at the image's own resolution (an
    image smaller than `size` is first resized up).
    """
    if fit not in FITS:
        raise ValueError(f"fit must be one of {FITS}, got {fit!r}")
    pixels = torch.from_numpy(load_rgb(path)).permute(2, 0, 1)
    if fit == "resize" or min(pixels.shape[-2:]) < size:
        pixels = v2.functional.resize(pixels, size, antialias=True)
    return v2.functional.center_crop(pixels, size).permute(1, 2, 0).contiguous().numpy()
