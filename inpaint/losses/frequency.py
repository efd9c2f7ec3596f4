"""Focal frequency loss (Jiang et al., "Focal Frequency Loss for Image Reconstruction and
Synthesis", ICCV 2021): a distance between the images' 2-D spectra that weights each
frequency by how wrong it is, so the hard (mostly high) frequencies a blurred fill lacks are
not drowned by the easy low ones."""

from __future__ import annotations

import torch
from torch import Tensor


def focal_frequency_loss(prediction: Tensor, target: Tensor, alpha: float = 1.0) -> Tensor:
    """``mean(w * |F(prediction) - F(target)|**2)`` over images, channels and frequencies.

    F is the orthonormal 2-D DFT of each channel ([N, C, H, W], computed in float32). The
    weight ``w = |F(prediction) - F(target)|**alpha``, scaled so that each image-channel's
    largest weight is 1, is a constant (no gradient), as in the paper (whole image, no patches,
    no log scaling). On a composite only the hole differs from the target.
    """
    difference = torch.fft.fft2(prediction.float(), norm="ortho") - torch.fft.fft2(
        target.float(), norm="ortho"
    )
    distance = difference.real**2 + difference.imag**2
    weight = distance.detach().sqrt() ** alpha
    # an exact channel (all differences 0) has weight 0 everywhere, not 0 / 0
    weight = weight / weight.amax(dim=(-2, -1), keepdim=True).clamp_min(1e-12)
    return (weight * distance).mean()
