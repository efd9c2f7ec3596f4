"""Per-image PSNR / SSIM / L1 and their hole-ratio buckets."""

import math

import pytest
import torch

from inpaint.metrics import BucketedImageMetrics, bucket_names


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
