"""Hinge GAN losses (Lim & Ye 2017), as used by SN-PatchGAN in DeepFill v2."""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor


def discriminator_hinge_loss(real_scores: Tensor, fake_scores: Tensor) -> Tensor:
    """mean(relu(1 - D(real))) + mean(relu(1 + D(fake)))."""
    return F.relu(1 - real_scores).mean() + F.relu(1 + fake_scores).mean()


def generator_hinge_loss(fake_scores: Tensor) -> Tensor:
    """-mean(D(fake)): the generator pushes its samples' scores up."""
    return -fake_scores.mean()
