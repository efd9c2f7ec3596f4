"""Per-image PSNR / SSIM / L1 and their hole-ratio buckets."""

import math

import pytest
import torch
import torch.nn.functional as F

from inpaint.metrics import BucketedImageMetrics, bucket_names
from inpaint.metrics.sharpness import eroded_holes, fill_sharpness, gradient_magnitude


def test_bucket_names():
    assert bucket_names() == ["0.01-0.1", "0.1-0.2", "0.2-0.3", "0.3-0.4", "0.4-0.5", "0.5-0.6"]


def test_psnr_is_per_image_and_routed_to_buckets():
    target = torch.zeros(3, 3, 8, 8)
    output = torch.stack([torch.full((3, 8, 8), v) for v in (0.1, 0.01, 0.5)])
    metrics = BucketedImageMetrics()
    metrics.update(output, target, torch.tensor([0.05, 0.15, 0.9]))
    results = metrics.compute()
    psnr = [10 * math.log10(1 / v**2) for v in (0.1, 0.01, 0.5)]  # 20, 40, 6.02 dB
    assert results["psnr"].item() == pytest.approx(sum(psnr) / 3, rel=1e-5)
    assert results["psnr/0.01-0.1"].item() == pytest.approx(psnr[0], rel=1e-5)
    assert results["psnr/0.1-0.2"].item() == pytest.approx(psnr[1], rel=1e-5)
    assert results["l1/0.01-0.1"].item() == pytest.approx(0.1)
    assert "psnr/0.2-0.3" not in results  # empty bucket left out; 0.9 counts only overall
    assert results["ssim"].item() <= 1


def test_identical_images_score_perfect_ssim_and_zero_l1():
    image = torch.rand(2, 3, 16, 16)
    metrics = BucketedImageMetrics()
    metrics.update(image, image, torch.tensor([0.3, 0.35]))
    results = metrics.compute()
    assert results["ssim/0.3-0.4"].item() == pytest.approx(1.0, abs=1e-4)
    assert results["l1"].item() == 0
    metrics.reset()
    metrics.update(image, 1 - image, torch.tensor([0.3, 0.35]))
    assert metrics.compute()["l1"].item() > 0


def _photo_and_hole() -> tuple[torch.Tensor, torch.Tensor]:
    """A textured image [2, 3, 48, 48] and a 20x20 square hole in it."""
    image = torch.rand(2, 3, 48, 48, generator=torch.Generator().manual_seed(0))
    holes = torch.zeros(2, 1, 48, 48, dtype=torch.bool)
    holes[..., 14:34, 14:34] = True
    return image, holes


def test_fill_sharpness_of_the_original_is_one_and_of_a_flat_fill_zero():
    image, holes = _photo_and_hole()
    assert torch.allclose(fill_sharpness(image, image, holes), torch.ones(2))
    flat = torch.where(holes, torch.full_like(image, 0.5), image)
    # the 2-px seam is left out, so the edge between photo and flat fill does not count
    assert torch.allclose(fill_sharpness(flat, image, holes), torch.zeros(2))


def test_fill_sharpness_of_a_blurred_fill_is_below_one():
    image, holes = _photo_and_hole()
    blurred = torch.where(holes, F.avg_pool2d(image, 5, stride=1, padding=2), image)
    assert (fill_sharpness(blurred, image, holes) < 0.5).all()


def test_fill_sharpness_of_a_half_slope_ramp_is_one_half():
    # grey horizontal ramps: Sobel-x of slope s is (1 + 2 + 1) * 2s = 8s, Sobel-y is 0
    columns = torch.arange(48.0).view(1, 1, 1, 48)
    photo = (0.01 * columns).expand(1, 3, 48, 48)
    fill = (0.005 * columns).expand(1, 3, 48, 48)
    assert torch.allclose(gradient_magnitude(photo)[..., 1:-1], torch.tensor(0.08))
    holes = torch.zeros(1, 1, 48, 48, dtype=torch.bool)
    holes[..., 10:30, 10:30] = True
    assert eroded_holes(holes).sum() == 16 * 16  # 20x20 less 2 px on every side
    composite = torch.where(holes, fill, photo)
    # the eroded hole is 3 px from the photo, beyond the 3x3 Sobel window: exactly 4s / 8s
    assert fill_sharpness(composite, photo, holes).item() == pytest.approx(0.5, rel=1e-5)


def test_fill_sharpness_is_nan_where_undefined():
    image, holes = _photo_and_hole()
    thin = torch.zeros_like(holes)
    thin[..., 10:14, 10:40] = True  # 4 px wide: nothing left after the 2-px erosion
    assert torch.isnan(fill_sharpness(image, image, thin)).all()
    flat = torch.full_like(image, 0.3)
    assert torch.isnan(fill_sharpness(image, flat, holes)).all()


def test_bucketed_metrics_average_the_fill_sharpness_where_it_is_defined():
    image, holes = _photo_and_hole()
    flat = torch.where(holes, torch.full_like(image, 0.5), image)
    thin = torch.zeros_like(holes)
    thin[..., 10:14, 10:40] = True  # no pixel left after the erosion: undefined, left out
    metrics = BucketedImageMetrics()
    # a contrast of 0.9 in the first and last sample keeps their PSNR finite
    outputs = torch.cat([0.9 * image[:1], flat[1:], 0.9 * image[:1]])
    targets = torch.cat([image, image[:1]])
    masks = torch.cat([holes, thin[:1]])
    metrics.update(outputs, targets, torch.tensor([0.15, 0.15, 0.35]), holes=masks)
    results = metrics.compute()
    # the photo at 0.9 contrast has 0.9 of its detail, the flat fill none
    assert results["sharpness"].item() == pytest.approx(0.45)
    assert results["sharpness/0.1-0.2"].item() == pytest.approx(0.45)
    assert "sharpness/0.3-0.4" not in results
    assert results["psnr/0.3-0.4"].item() > 0


def test_without_holes_no_sharpness_is_reported():
    metrics = BucketedImageMetrics()
    metrics.update(torch.rand(2, 3, 8, 8), torch.rand(2, 3, 8, 8), torch.tensor([0.15, 0.25]))
    assert not any(key.startswith("sharpness") for key in metrics.compute())
