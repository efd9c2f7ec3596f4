"""Fill sharpness: how much of the photo's detail a method's fill keeps.

PSNR and SSIM reward a blurred fill (the mean of the plausible fills is closest on average),
so they cannot show it. Fill sharpness is the mean Sobel gradient magnitude of the
composite's luminance inside the hole, eroded so the seam between known and filled pixels is
not counted, divided by the same of the original: 1.0 keeps as much detail as the photo,
0.0 is a flat fill. Noise raises it too, so it is read beside PSNR, never alone.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

# ITU-R BT.601 luma weights
LUMA = (0.299, 0.587, 0.114)
SOBEL_X = ((-1.0, 0.0, 1.0), (-2.0, 0.0, 2.0), (-1.0, 0.0, 1.0))
# pixels of the hole within this distance of a known pixel are left out
SEAM_PX = 2


def gradient_magnitude(images: Tensor) -> Tensor:
    """Sobel gradient magnitude of the luminance: [N, 3, H, W] in [0, 1] -> [N, 1, H, W]
    (replicated borders, so the frame adds no edge)."""
    weights = torch.tensor(LUMA, dtype=images.dtype, device=images.device).view(1, 3, 1, 1)
    luma = F.pad((images * weights).sum(1, keepdim=True), (1, 1, 1, 1), mode="replicate")
    sobel_x = torch.tensor(SOBEL_X, dtype=images.dtype, device=images.device)
    kernels = torch.stack([sobel_x, sobel_x.T])[:, None]  # [2, 1, 3, 3]
    return F.conv2d(luma, kernels).pow(2).sum(1, keepdim=True).sqrt()


def eroded_holes(holes: Tensor, seam_px: int = SEAM_PX) -> Tensor:
    """Hole pixels at least `seam_px` + 1 pixels from any known pixel (Chebyshev distance):
    [N, 1, H, W] bool -> bool of the same shape."""
    known = (~holes).float()
    near_known = F.max_pool2d(known, 2 * seam_px + 1, stride=1, padding=seam_px) > 0
    return holes & ~near_known


def fill_sharpness(composite: Tensor, target: Tensor, holes: Tensor) -> Tensor:
    """Mean gradient magnitude of `composite` over the eroded hole divided by that of
    `target`, per image: composite, target [N, 3, H, W] in [0, 1]; holes [N, 1, H, W] bool
    (True = hole) -> [N]. NaN where the eroded hole is empty or the original is flat there."""
    region = eroded_holes(holes).to(composite.dtype)
    pixels = region.flatten(1).sum(1)
    filled = (gradient_magnitude(composite) * region).flatten(1).sum(1)
    original = (gradient_magnitude(target) * region).flatten(1).sum(1)
    ratio = filled / original
    return torch.where((pixels > 0) & (original > 0), ratio, torch.full_like(ratio, torch.nan))
