"""Adversarial losses: hinge GAN losses (Lim & Ye 2017), as used by SN-PatchGAN in DeepFill
v2 and by LaMa, and LaMa's discriminator feature matching."""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor


def discriminator_hinge_loss(real_scores: Tensor, fake_scores: Tensor) -> Tensor:
    """mean(relu(1 - D(real))) + mean(relu(1 + D(fake)))."""
    return F.relu(1 - real_scores).mean() + F.relu(1 + fake_scores).mean()


def generator_hinge_loss(fake_scores: Tensor) -> Tensor:
    """-mean(D(fake)): the generator pushes its samples' scores up."""
    return -fake_scores.mean()


def feature_matching_loss(
    fake_features: Sequence[Tensor], real_features: Sequence[Tensor]
) -> Tensor:
    """Mean over the discriminator's layers of the mean squared difference between its
    activations for the composite and for the real image (LaMa, after pix2pixHD): the
    generator matches the real image's texture statistics at every scale, a denser signal than
    the final scores. The real activations are constants."""
    if len(fake_features) != len(real_features) or not fake_features:
        raise ValueError(
            f"feature matching needs as many real as fake layers (>= 1), got "
            f"{len(real_features)} and {len(fake_features)}"
        )
    pairs = zip(fake_features, real_features, strict=True)
    return torch.stack([F.mse_loss(fake, real.detach()) for fake, real in pairs]).mean()
