"""Images + generated holes as training or validation samples.

A sample is a dict:
    image      float32 [3, H, W] in [0, 1]
    mask       float32 [1, H, W], 1 = known pixel, 0 = hole
    hole_ratio float32 [] fraction of hole pixels (= 1 - mask.mean())
    index      int64 []   the sample's index
    skipped    int64 []   index of an unreadable file this sample replaced, else -1
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset
from torchvision.transforms import v2

from inpaint.data.conventions import known_from_holes
from inpaint.data.image_io import ImageReadError, list_images, load_rgb
from inpaint.data.mask_generators import MaskGenerator
from inpaint.metrics import HOLE_RATIO_EDGES


class ImageFolderDataset(Dataset):
    """Crops of the images in a folder (recursive) or a file list, each with a hole mask.

    Args:
        files: a folder, or a sequence of image paths.
        image_size: side of the square crops.
        mask_generator: draws the holes.
        train: random resized crop (``crop_scale`` of the area) + horizontal flip and a new
            random mask per sample; otherwise resize the shorter side + centre crop and a mask
            fixed by (``mask_seed``, index), its ratio in bucket ``index % 6`` of
            0.01-0.1, ..., 0.5-0.6 so every bucket is covered evenly.
        length: samples per epoch (default: one per file). Index i shows file
            ``i * len(files) // length``: each file gets a run of consecutive indices, so when
            files repeat (length >= 6 * len(files)) every file meets every ratio bucket, and
            a length below the file count takes an evenly spread subset.
        strict: raise on an unreadable image (naming it) instead of skipping it.
        cache: keep decoded images in memory (for small sets read many times per epoch).
    """

    def __init__(
        self,
        files: str | Path | Sequence[str | Path],
        image_size: int,
        mask_generator: MaskGenerator,
        train: bool,
        length: int | None = None,
        mask_seed: int = 0,
        crop_scale: tuple[float, float] = (0.25, 1.0),
        strict: bool = False,
        cache: bool = False,
    ) -> None:
        self.files = (
            list_images(files) if isinstance(files, str | Path) else [Path(f) for f in files]
        )
        if not self.files:
            raise ValueError("ImageFolderDataset needs at least one image file")
        if not isinstance(image_size, int) or image_size < 1:
            raise ValueError(f"image_size must be a positive int, got {image_size!r}")
        if length is not None and length < 1:
            raise ValueError(f"length must be >= 1, got {length}")
        if not 0 < crop_scale[0] <= crop_scale[1] <= 1:
            raise ValueError(f"crop_scale must satisfy 0 < min <= max <= 1, got {list(crop_scale)}")
        self.image_size, self.mask_generator, self.train = image_size, mask_generator, train
        self.length = length or len(self.files)
        self.mask_seed, self.strict, self.cache = mask_seed, strict, cache
        self._cached: dict[int, torch.Tensor] = {}
        if train:
            self.transform = v2.Compose(
                [
                    v2.RandomResizedCrop(image_size, scale=tuple(crop_scale), antialias=True),
                    v2.RandomHorizontalFlip(),
                ]
            )
        else:
            self.transform = v2.Compose(
                [v2.Resize(image_size, antialias=True), v2.CenterCrop(image_size)]
            )
        self.buckets = list(zip(HOLE_RATIO_EDGES[:-1], HOLE_RATIO_EDGES[1:], strict=True))

    def __len__(self) -> int:
        return self.length

    def _load(self, file_index: int) -> torch.Tensor:
        """uint8 [3, H, W] of file `file_index`."""
        if file_index in self._cached:
            return self._cached[file_index]
        pixels = torch.from_numpy(load_rgb(self.files[file_index])).permute(2, 0, 1).contiguous()
        if self.cache:
            self._cached[file_index] = pixels
        return pixels

    def file_index(self, index: int) -> int:
        """The file that sample `index` shows (consecutive indices share a file)."""
        return index * len(self.files) // self.length

    def _readable(self, index: int) -> tuple[torch.Tensor, int]:
        """(pixels, skipped): the file for `index`, or the next readable one if it is bad."""
        first = self.file_index(index)
        for step in range(len(self.files)):
            file_index = (first + step) % len(self.files)
            try:
                return self._load(file_index), (first if step else -1)
            except ImageReadError:
                if self.strict:
                    raise
        raise ImageReadError(
            f"none of the {len(self.files)} images is readable, e.g. {self.files[first]}"
        )

    def _mask(self, index: int) -> np.ndarray:
        size = self.image_size
        if self.train:
            rng = np.random.default_rng(int(torch.randint(0, 2**62, ()).item()))
            return self.mask_generator(size, size, rng)
        low, high = self.buckets[index % len(self.buckets)]
        rng = np.random.default_rng([self.mask_seed, index])
        return self.mask_generator(size, size, rng, min_ratio=low, max_ratio=high)

    def __getitem__(self, index: int) -> dict[str, torch.Tensor]:
        if not 0 <= index < self.length:
            raise IndexError(f"index {index} out of range for {self.length} samples")
        pixels, skipped = self._readable(index)
        image = self.transform(pixels).float() / 255
        known = torch.from_numpy(known_from_holes(self._mask(index)))[None]
        return {
            "image": image,
            "mask": known,
            "hole_ratio": 1 - known.mean(),
            "index": torch.tensor(index),
            "skipped": torch.tensor(skipped),
        }
