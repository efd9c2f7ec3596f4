"""Training batches made on the training device, for accelerators that a CPU data loader
cannot keep busy.

The photos are decoded once and held on the device as uint8; each batch draws photos
uniformly, a random resized crop of each (the crop geometry of torchvision's
``RandomResizedCrop``: area fraction uniform in ``crop_scale``, log aspect ratio uniform in
[log 3/4, log 4/3], ten tries then a centre crop), resamples the crops with
``torchvision.ops.roi_align`` (bilinear samples averaged over each output pixel's footprint,
so downscaling is antialiased as the CPU path's resize is), flips half of them and takes
masks from a bank drawn by the run's own mask generator, each flipped and transposed at
random (which keeps its hole ratio). The batch is the CPU pipeline's dict
(`inpaint.data.folder_dataset`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from torch import Tensor
from torchvision.ops import roi_align

from inpaint.data.image_io import ImageReadError, load_rgb
from inpaint.data.mask_generators import MaskGenerator

CROP_RATIO = (3 / 4, 4 / 3)
CROP_TRIES = 10


def crop_boxes(
    sizes: Tensor, scale: tuple[float, float], generator: torch.Generator | None = None
) -> Tensor:
    """Random resized crop boxes, as ``RandomResizedCrop.make_params`` draws them, for images
    of `sizes` [N, 2] (height, width): [N, 4] (x0, y0, x1, y1) in pixels, on `sizes`' device."""
    device = sizes.device
    height, width = sizes[:, 0:1].double(), sizes[:, 1:2].double()  # [N, 1]
    shape = (len(sizes), CROP_TRIES)

    def uniform(low: float, high: float) -> Tensor:
        values = torch.rand(shape, generator=generator, device=device, dtype=torch.float64)
        return low + (high - low) * values

    area = height * width * uniform(*scale)
    ratio = torch.exp(uniform(math.log(CROP_RATIO[0]), math.log(CROP_RATIO[1])))
    w = torch.round(torch.sqrt(area * ratio))
    h = torch.round(torch.sqrt(area / ratio))
    fits = (w > 0) & (w <= width) & (h > 0) & (h <= height)
    first = torch.argmax(fits.int(), dim=1, keepdim=True)  # the first try that fits
    found = fits.gather(1, first)[:, 0]
    w, h = w.gather(1, first)[:, 0], h.gather(1, first)[:, 0]
    height, width = height[:, 0], width[:, 0]
    top = torch.floor(uniform(0, 1)[:, 0] * (height - h + 1))
    left = torch.floor(uniform(0, 1)[:, 0] * (width - w + 1))
    # fallback: the centred crop of the extreme allowed ratio, or the whole image
    in_ratio = width / height
    fallback_w = torch.where(in_ratio > CROP_RATIO[1], torch.round(height * CROP_RATIO[1]), width)
    fallback_h = torch.where(in_ratio < CROP_RATIO[0], torch.round(width / CROP_RATIO[0]), height)
    w, h = torch.where(found, w, fallback_w), torch.where(found, h, fallback_h)
    top = torch.where(found, top, torch.div(height - h, 2, rounding_mode="floor"))
    left = torch.where(found, left, torch.div(width - w, 2, rounding_mode="floor"))
    return torch.stack([left, top, left + w, top + h], dim=1).float()


class DeviceBatches:
    """Random training batches of `photos` with holes, made where the photos are held.

    Args:
        files: the training photos, decoded once (unreadable ones are skipped; all
            unreadable is an ImageReadError).
        image_size: side of the square crops.
        mask_generator: draws the bank of `mask_bank` masks (at `image_size`, seeded by
            `seed`) that batches take their holes from.
        crop_scale: area range of the crops.
    """

    def __init__(
        self,
        files: Sequence[Path],
        image_size: int,
        mask_generator: MaskGenerator,
        crop_scale: tuple[float, float],
        mask_bank: int = 4096,
        seed: int = 0,
    ) -> None:
        if mask_bank < 1:
            raise ValueError(f"data.device_mask_bank must be >= 1, got {mask_bank}")
        pictures = []
        for file in files:
            try:
                pictures.append(torch.from_numpy(load_rgb(file)).permute(2, 0, 1))
            except ImageReadError:
                continue
        if not pictures:
            raise ImageReadError(f"none of the {len(files)} training images is readable")
        high = max(p.shape[1] for p in pictures)
        wide = max(p.shape[2] for p in pictures)
        self.photos = torch.zeros(len(pictures), 3, high, wide, dtype=torch.uint8)
        for index, picture in enumerate(pictures):
            h, w = picture.shape[1:]
            # the edge replicated into the padding: bilinear samples next to a crop's edge
            # read the border pixel, as the CPU path's resize does, and no padding
            self.photos[index, :, :h, :w] = picture
            self.photos[index, :, :h, w:] = picture[:, :, w - 1 :]
            self.photos[index, :, h:, :] = self.photos[index, :, h - 1 : h, :]
        self.sizes = torch.tensor([p.shape[1:] for p in pictures])
        rng = np.random.default_rng(seed)
        holes = [mask_generator(image_size, image_size, rng) for _ in range(mask_bank)]
        self.holes = torch.from_numpy(np.stack(holes))[:, None]  # bool: 1/32 of float masks
        self.image_size, self.crop_scale = image_size, tuple(crop_scale)

    def to(self, device: torch.device) -> DeviceBatches:
        self.photos, self.sizes = self.photos.to(device), self.sizes.to(device)
        self.holes = self.holes.to(device)
        return self

    def batch(self, batch_size: int, generator: torch.Generator | None = None) -> dict:
        """{image [B, 3, S, S] float in [0, 1], mask [B, 1, S, S] (1 = known), hole_ratio [B],
        index [B] (the photos), skipped [B] (-1)} on the photos' device."""
        device = self.photos.device
        chosen = torch.randint(len(self.photos), (batch_size,), device=device, generator=generator)
        boxes = crop_boxes(self.sizes[chosen], self.crop_scale, generator)
        rois = torch.cat([torch.arange(batch_size, device=device)[:, None].float(), boxes], 1)
        # the chosen photos only: roi_align reads float, so the whole set is never converted
        sources = self.photos[chosen].float()
        image = roi_align(sources, rois, self.image_size, sampling_ratio=-1, aligned=True) / 255

        def coin() -> Tensor:
            values = torch.rand(batch_size, device=device, generator=generator)
            return (values < 0.5).view(-1, 1, 1, 1)

        image = torch.where(coin(), image.flip(-1), image).clamp(0, 1)
        picks = torch.randint(len(self.holes), (batch_size,), device=device, generator=generator)
        known = (~self.holes[picks]).float()
        known = torch.where(coin(), known.flip(-1), known)
        known = torch.where(coin(), known.flip(-2), known)
        known = torch.where(coin(), known.transpose(-1, -2), known)
        return {
            "image": image,
            "mask": known,
            "hole_ratio": 1 - known.flatten(1).mean(1),
            "index": chosen,
            "skipped": torch.full_like(chosen, -1),
        }
