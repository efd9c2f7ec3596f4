"""LightningDataModule: where the images come from, how they are split, how they are batched."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import lightning as L
import numpy as np
import torch
from torch.utils.data import DataLoader

from inpaint.data.device_batches import DeviceBatches
from inpaint.data.folder_dataset import ImageFolderDataset
from inpaint.data.image_io import list_images
from inpaint.data.mask_generators import FreeFormMaskGenerator, MaskGenerator
from inpaint.data.sample_photos import sample_files


def split_files(files: list[Path], val_count: int, seed: int) -> tuple[list[Path], list[Path]]:
    """(train, val): `val_count` files picked by a seeded shuffle, the rest for training."""
    if not 1 <= val_count < len(files):
        raise ValueError(
            f"cannot hold out {val_count} of {len(files)} images for validation: need at least "
            "one image on each side"
        )
    order = np.random.default_rng(seed).permutation(len(files))
    val = {int(i) for i in order[:val_count]}
    return [f for i, f in enumerate(files) if i not in val], [
        f for i, f in enumerate(files) if i in val
    ]


def _content_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def add_training_folders(
    train_files: list[Path], val_files: list[Path], folders: Sequence[str | Path]
) -> list[Path]:
    """`train_files` plus the images of `folders` (recursive), for training only.

    Raises:
        ValueError: an image of `folders` that is also a validation image (the same file, or
            the same bytes under another name), which would leak into training.
    """
    if not folders:
        return train_files
    val_by_hash = {_content_hash(f): f for f in val_files}
    val_paths = {f.resolve() for f in val_files}
    extra = []
    for folder in folders:
        for file in list_images(folder):
            same = file if file.resolve() in val_paths else val_by_hash.get(_content_hash(file))
            if same is not None:
                raise ValueError(
                    f"data.extra_train_dirs: {file} is the validation image {same}; the extra "
                    "folders must not hold the held-out images"
                )
            extra.append(file)
    return train_files + extra


# the key of the placeholder batches of ``device_batches``
DEVICE_BATCH_KEY = "device_batch"


class InpaintDataModule(L.LightningDataModule):
    """Training and validation batches of {image, mask, hole_ratio, index, skipped}
    (see `inpaint.data.folder_dataset`).

    Where the images come from, in order of precedence:
      * ``train_dir`` and ``val_dir``: two folders;
      * ``root``: one folder split by a seeded shuffle (``val_count`` images, or
        ``val_fraction`` of them, held out);
      * neither: the embedded `samples` photographs with their fixed split, unless
        ``samples_fallback`` is false (the ``data=folder`` config), which raises a ValueError
        naming both ways to give a folder.

    Args:
        image_size: side of the square crops; the generator needs a multiple of 2**depth.
        batch_size, val_batch_size: batch sizes (val defaults to batch_size).
        num_workers: DataLoader worker processes; ``persistent_workers`` keeps them across epochs.
        pin_memory: ``auto`` pins when CUDA is available.
        mask_generator: holes for training; defaults to free-form strokes with 5-60% holes.
        val_mask_generator: holes for validation (default: `mask_generator`); fixed per index.
        train_samples_per_epoch: random crops per epoch (default: one per training image).
        val_samples: validation samples (default: one per validation image). Each image gets
            a run of consecutive samples, each with its own fixed mask, so with
            ``val_samples >= 6 * images`` every image is seen in every hole-ratio bucket;
            fewer samples than images take an evenly spread subset of the images.
        crop_scale: area range of the training crops.
        strict: raise on an unreadable image instead of skipping it with a warning.
        cache_images: keep decoded images in memory; ``auto`` does so for <= 64 images.
        seed: seeds the split and the validation masks.
        samples_fallback: with no folder given, use the embedded samples (else raise).
        extra_train_dirs: folders of more training images (see above).
        device_batches: make the training batches on the training device
            (`inpaint.data.device_batches`: photos held there as uint8, crops, flips and
            masks from a bank of ``device_mask_bank`` masks made there), for GPUs that CPU
            workers cannot keep busy; validation stays the CPU pipeline.
    """

    def __init__(
        self,
        root: str | None = None,
        train_dir: str | None = None,
        val_dir: str | None = None,
        val_fraction: float = 0.1,
        val_count: int | None = None,
        image_size: int = 128,
        batch_size: int = 8,
        val_batch_size: int | None = None,
        num_workers: int = 0,
        pin_memory: bool | str = "auto",
        persistent_workers: bool = True,
        mask_generator: MaskGenerator | None = None,
        val_mask_generator: MaskGenerator | None = None,
        train_samples_per_epoch: int | None = None,
        val_samples: int | None = None,
        crop_scale: tuple[float, float] = (0.25, 1.0),
        strict: bool = False,
        cache_images: bool | str = "auto",
        seed: int = 0,
        samples_fallback: bool = True,
        extra_train_dirs: Sequence[str] = (),
        device_batches: bool = False,
        device_mask_bank: int = 4096,
    ) -> None:
        super().__init__()
        for name, value in [
            ("image_size", image_size),
            ("batch_size", batch_size),
            ("val_batch_size", val_batch_size or batch_size),
        ]:
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"data.{name} must be a positive int, got {value!r}")
        if num_workers < 0:
            raise ValueError(f"data.num_workers must be >= 0, got {num_workers}")
        if not 0 < val_fraction < 1:
            raise ValueError(f"data.val_fraction must be in (0, 1), got {val_fraction}")
        if (train_dir is None) != (val_dir is None):
            raise ValueError("data.train_dir and data.val_dir go together: give both or neither")
        if train_dir is not None:
            train_files, val_files = list_images(train_dir), list_images(val_dir)
        elif root is not None:
            files = list_images(root)
            count = val_count if val_count is not None else max(1, round(val_fraction * len(files)))
            train_files, val_files = split_files(files, count, seed)
        elif samples_fallback:
            train_files, val_files = sample_files("train"), sample_files("val")
        else:
            raise ValueError(
                "no images given: set data.root=<folder> (split by a seeded shuffle) or "
                "data.train_dir=<folder> data.val_dir=<folder>"
            )
        train_files = add_training_folders(train_files, val_files, extra_train_dirs)
        self.train_files, self.val_files = train_files, val_files
        self.image_size, self.batch_size = image_size, batch_size
        self.val_batch_size = val_batch_size or batch_size
        self.num_workers = num_workers
        self.pin_memory = torch.cuda.is_available() if pin_memory == "auto" else bool(pin_memory)
        self.persistent_workers = persistent_workers and num_workers > 0
        self.mask_generator = mask_generator or FreeFormMaskGenerator(min_ratio=0.05, max_ratio=0.6)
        self.val_mask_generator = val_mask_generator or self.mask_generator
        self.train_samples_per_epoch, self.val_samples = train_samples_per_epoch, val_samples
        self.crop_scale, self.strict, self.seed = tuple(crop_scale), strict, seed
        total = len(train_files) + len(val_files)
        self.cache_images = total <= 64 if cache_images == "auto" else bool(cache_images)
        self.train_dataset = self._dataset(train_files, train=True, length=train_samples_per_epoch)
        self.val_dataset = self._dataset(val_files, train=False, length=val_samples)
        self.device_batches = (
            DeviceBatches(
                train_files,
                image_size,
                self.mask_generator,
                self.crop_scale,
                mask_bank=device_mask_bank,
                seed=seed,
            )
            if device_batches
            else None
        )
        self._device_generator: torch.Generator | None = None

    def _dataset(self, files: list[Path], train: bool, length: int | None) -> ImageFolderDataset:
        return ImageFolderDataset(
            files,
            self.image_size,
            self.mask_generator if train else self.val_mask_generator,
            train=train,
            length=length,
            mask_seed=self.seed,
            crop_scale=self.crop_scale,
            strict=self.strict,
            cache=self.cache_images,
        )

    def _loader(self, dataset: ImageFolderDataset, batch_size: int, shuffle: bool) -> DataLoader:
        return DataLoader(
            dataset,
            batch_size=batch_size,
            shuffle=shuffle,
            num_workers=self.num_workers,
            pin_memory=self.pin_memory,
            persistent_workers=self.persistent_workers,
            drop_last=shuffle and len(dataset) >= batch_size,
        )

    def train_dataloader(self) -> DataLoader:
        if self.device_batches is not None:
            # one placeholder per batch; on_after_batch_transfer makes the batch on the device
            steps = max(1, len(self.train_dataset) // self.batch_size)
            return DataLoader([{DEVICE_BATCH_KEY: torch.tensor(i)} for i in range(steps)], None)
        return self._loader(self.train_dataset, self.batch_size, shuffle=True)

    def on_after_batch_transfer(self, batch, dataloader_idx: int):
        if not (isinstance(batch, dict) and DEVICE_BATCH_KEY in batch):
            return batch
        device = batch[DEVICE_BATCH_KEY].device
        if self._device_generator is None:
            self.device_batches.to(device)
            # a stream of its own per process: DDP ranks must not draw the same batches
            rank = self.trainer.global_rank if self.trainer is not None else 0
            self._device_generator = torch.Generator(device).manual_seed(
                torch.initial_seed() + 7919 * rank
            )
        return self.device_batches.batch(self.batch_size, self._device_generator)

    def val_dataloader(self) -> DataLoader:
        return self._loader(self.val_dataset, self.val_batch_size, shuffle=False)
