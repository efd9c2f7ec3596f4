"""Structural loss: ``1 - SSIM`` (Wang et al., "Image Quality Assessment: From Error Visibility
to Structural Similarity", IEEE TIP 2004), the SSIM that validation and evaluation report.

SSIM compares local means, variances and covariance in an 11x11 Gaussian window (sigma 1.5),
so it rewards the local contrast and edges that an L1-trained fill smooths away. Computed with
torchmetrics' differentiable ``structural_similarity_index_measure`` on the composite: known
pixels equal the target there, so only the hole and its rim give gradients.
"""

from __future__ import annotations

from torch import Tensor
from torchmetrics.functional.image import structural_similarity_index_measure


def ssim_loss(composite: Tensor, target: Tensor) -> Tensor:
    """``1 - mean SSIM`` of images [N, C, H, W] in [0, 1] (data range 1); 0 when identical."""
    return 1 - structural_similarity_index_measure(composite, target, data_range=1.0)
