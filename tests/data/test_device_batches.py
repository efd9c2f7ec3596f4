"""Training batches made on the device: the CPU pipeline's crops, flips and hole ratios."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image
from torchvision.transforms import v2

from inpaint.data import FreeFormMaskGenerator
from inpaint.data.device_batches import DeviceBatches, crop_boxes
from inpaint.training.run import train

SCALE = (0.4, 0.9)


def _torchvision_boxes(height: int, width: int, count: int) -> np.ndarray:
    crop = v2.RandomResizedCrop(64, scale=SCALE)
    image = torch.zeros(3, height, width)
    boxes = []
    for _ in range(count):
        p = crop.make_params([image])
        boxes.append((p["left"], p["top"], p["left"] + p["width"], p["top"] + p["height"]))
    return np.array(boxes, dtype=np.float64)


def _geometry(boxes: np.ndarray, height: int, width: int) -> dict[str, np.ndarray]:
    w, h = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
    return {
        "area": w * h / (height * width),
        "log_ratio": np.log(w / h),
        "centre_x": (boxes[:, 0] + boxes[:, 2]) / 2 / width,
        "centre_y": (boxes[:, 1] + boxes[:, 3]) / 2 / height,
    }


@pytest.mark.parametrize("size", [(321, 481), (481, 321), (200, 200)])
def test_crops_have_the_distribution_of_random_resized_crop(size):
    torch.manual_seed(0)
    count = 4000
    ours = crop_boxes(torch.tensor([size] * count), SCALE).double().numpy()
    theirs = _torchvision_boxes(*size, count)
    height, width = size
    assert (ours[:, :2] >= 0).all() and (ours[:, 2] <= width).all() and (ours[:, 3] <= height).all()
    for name, a in _geometry(ours, *size).items():
        b = _geometry(theirs, *size)[name]
        # means within 4 standard errors, and the deciles close
        standard_error = np.sqrt(a.var() / count + b.var() / count)
        assert abs(a.mean() - b.mean()) < 4 * standard_error + 1e-9, name
        deciles = np.linspace(0.1, 0.9, 9)
        spread = np.quantile(b, 0.9) - np.quantile(b, 0.1) + 1e-9
        assert np.abs(np.quantile(a, deciles) - np.quantile(b, deciles)).max() < 0.08 * spread


def test_a_photo_no_crop_fits_gets_torchvisions_centre_crop():
    torch.manual_seed(0)
    (box,) = crop_boxes(torch.tensor([[10, 400]]), SCALE).tolist()
    theirs = _torchvision_boxes(10, 400, 1)[0].tolist()
    assert box == theirs == [193, 0, 206, 10]


def _photo_folder(tmp_path, colours):
    files = []
    for i, colour in enumerate(colours):
        path = tmp_path / f"photo_{i}.png"
        size = (60 + 10 * i, 40)  # photos of different sizes share one padded tensor
        Image.new("RGB", size, colour).save(path)
        files.append(path)
    return files


def test_batches_are_crops_of_the_photos_with_the_generators_holes(tmp_path):
    colours = [(255, 0, 0), (0, 255, 0), (0, 0, 255)]
    files = _photo_folder(tmp_path, colours)
    masks = FreeFormMaskGenerator(min_ratio=0.1, max_ratio=0.3)
    batches = DeviceBatches(files, 32, masks, SCALE, mask_bank=64)
    batch = batches.batch(16, torch.Generator().manual_seed(0))
    assert batch["image"].shape == (16, 3, 32, 32) and batch["mask"].shape == (16, 1, 32, 32)
    for image, photo in zip(batch["image"], batch["index"], strict=True):
        expected = torch.tensor(colours[photo], dtype=torch.float32).view(3, 1, 1) / 255
        # a crop of a one-colour photo is that colour: the padding is never sampled
        torch.testing.assert_close(image, expected.expand(3, 32, 32), atol=1e-5, rtol=0)
    ratios = batch["hole_ratio"]
    assert ((ratios >= 0.1 - 1e-6) & (ratios <= 0.3 + 1e-6)).all()
    assert set(batch["mask"].unique().tolist()) <= {0.0, 1.0}
    torch.testing.assert_close(ratios, 1 - batch["mask"].flatten(1).mean(1))
    assert (batch["skipped"] == -1).all()


def test_half_the_crops_are_flipped(tmp_path):
    path = tmp_path / "ramp.png"
    ramp = np.tile(np.linspace(0, 255, 64).astype(np.uint8), (64, 1))
    Image.fromarray(np.stack([ramp] * 3, -1)).save(path)
    batches = DeviceBatches([path], 32, FreeFormMaskGenerator(), SCALE, mask_bank=4)
    image = batches.batch(400, torch.Generator().manual_seed(1))["image"]
    rising = (image[:, 0, :, -1] > image[:, 0, :, 0]).all(1).float().mean().item()
    assert 0.4 < rising < 0.6


def test_training_runs_on_device_batches(make_cfg, image_folder):
    summary = train(
        make_cfg(
            "data=folder",
            f"data.root={image_folder}",
            "data.val_count=2",
            "data.device_batches=true",
            "data.device_mask_bank=8",
        )
    )
    assert summary["global_step"] == 2 and np.isfinite(summary["metrics"]["val/psnr"])
