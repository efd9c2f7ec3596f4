"""The discriminators: shapes, and whether one trained alone learns to tell photos from the
same photos with a blurred hole (what an adversarial stage against blurry fills needs)."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from inpaint.data.sample_photos import sample_files
from inpaint.evaluation.images import load_square
from inpaint.losses import discriminator_hinge_loss
from inpaint.models import BatchNormPatchDiscriminator, PatchDiscriminator


def _photos_and_blurred_holes() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(photos, the same with a 64-px square box-blurred, the mask) at 128 px, [N, C, 128, 128]."""
    files = sample_files("train") + sample_files("val")
    photos = torch.stack(
        [torch.from_numpy(load_square(f, 128)).permute(2, 0, 1).float() / 255 for f in files]
    )
    mask = torch.ones(len(photos), 1, 128, 128)
    mask[..., 32:96, 32:96] = 0
    blurred = F.avg_pool2d(F.pad(photos, (7, 7, 7, 7), mode="reflect"), 15, stride=1)
    return photos, photos * mask + blurred * (1 - mask), mask


def test_the_batchnorm_patchgan_learns_to_tell_blurred_fills_from_photos():
    torch.manual_seed(0)
    photos, fakes, mask = _photos_and_blurred_holes()
    discriminator = BatchNormPatchDiscriminator(width=32)
    optimizer = torch.optim.Adam(discriminator.parameters(), lr=4e-4, betas=(0.5, 0.999))

    def hinge() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        scores = discriminator(torch.cat([photos, fakes]), torch.cat([mask, mask]))
        real, fake = scores.chunk(2)
        return discriminator_hinge_loss(real, fake), real, fake

    for _ in range(60):
        loss, _, _ = hinge()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    discriminator.eval()
    with torch.no_grad():
        loss, real, fake = hinge()
    assert loss.item() < 1.5  # 2.0 is chance: every score at 0
    assert real.mean() - fake.mean() > 0.5, (real.mean(), fake.mean())


@pytest.mark.parametrize("size", [64, 96])
def test_discriminators_score_patches(size):
    image, mask = torch.rand(2, 3, size, size), torch.ones(2, 1, size, size)
    scores = BatchNormPatchDiscriminator(width=8, downsamplings=3)(image, mask)
    # 4x4 convs padded by 2: each adds a pixel, on top of the three halvings
    assert scores.shape == (2, 1, size // 8 + 3, size // 8 + 3)
    assert PatchDiscriminator(widths=(8, 8))(image, mask).shape == (2, 8, size // 4, size // 4)
    with pytest.raises(ValueError, match="width and downsamplings"):
        BatchNormPatchDiscriminator(width=0)


def test_features_are_every_activation_and_end_with_the_scores():
    torch.manual_seed(0)
    image, mask = torch.rand(2, 3, 64, 64), torch.ones(2, 1, 64, 64)
    batchnorm = BatchNormPatchDiscriminator(width=8, downsamplings=3).eval()
    spectral = PatchDiscriminator(widths=(8, 16, 16)).eval()
    with torch.no_grad():
        # the first conv, three normalised ones and the score conv (no activation after it)
        features = batchnorm.features(image, mask)
        assert [f.shape[1] for f in features] == [8, 16, 32, 64, 1]
        torch.testing.assert_close(features[-1], batchnorm(image, mask))
        # one per conv: the last activation is the scores
        features = spectral.features(image, mask)
        assert [f.shape[1] for f in features] == [8, 16, 16]
        torch.testing.assert_close(features[-1], spectral(image, mask))
