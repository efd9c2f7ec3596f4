"""The generator's weighted loss: every term's weight is a config value and every term is
returned separately so it can be logged."""

from __future__ import annotations

from pathlib import Path

from torch import Tensor, nn

from inpaint.losses.adversarial import generator_hinge_loss
from inpaint.losses.perceptual import VGG_HOW_TO, VGGFeatureLoss
from inpaint.losses.reconstruction import hole_total_variation, masked_l1
from inpaint.losses.structural import ssim_loss


class InpaintLoss(nn.Module):
    """Weighted sum of L1 (known / hole), total variation, SSIM, perceptual, style and
    adversarial terms.

    Defaults follow Liu et al. 2018 for the pixel terms (valid 1, hole 6, tv 0.1); the SSIM term
    ``1 - SSIM(composite, target)`` is off by default; perceptual (0.05) and style (120) need
    VGG16 weights from ``vgg_weights_path``.
    """

    def __init__(
        self,
        valid_weight: float = 1.0,
        hole_weight: float = 6.0,
        tv_weight: float = 0.1,
        ssim_weight: float = 0.0,
        perceptual_weight: float = 0.0,
        style_weight: float = 0.0,
        adversarial_weight: float = 0.0,
        vgg_weights_path: str | Path | None = None,
    ) -> None:
        super().__init__()
        self.weights = {
            "l1_valid": valid_weight,
            "l1_hole": hole_weight,
            "tv": tv_weight,
            "ssim": ssim_weight,
            "perceptual": perceptual_weight,
            "style": style_weight,
            "adversarial": adversarial_weight,
        }
        for name, weight in self.weights.items():
            if not weight >= 0:  # also rejects NaN
                raise ValueError(f"loss weight {name} must be >= 0, got {weight}")
        self.vgg: VGGFeatureLoss | None = None
        if perceptual_weight > 0 or style_weight > 0:
            if vgg_weights_path is None:
                raise ValueError(f"perceptual/style loss needs VGG16 weights. {VGG_HOW_TO}")
            self.vgg = VGGFeatureLoss(vgg_weights_path)

    @property
    def uses_adversarial(self) -> bool:
        return self.weights["adversarial"] > 0

    def forward(
        self,
        prediction: Tensor,
        composite: Tensor,
        target: Tensor,
        mask: Tensor,
        fake_scores: Tensor | None = None,
    ) -> tuple[Tensor, dict[str, Tensor]]:
        """Total loss and the unweighted terms.

        Args:
            prediction: raw generator output [N, 3, H, W].
            composite: known pixels from target, holes from prediction [N, 3, H, W].
            target: ground truth [N, 3, H, W] in [0, 1].
            mask: [N, 1, H, W], 1 = known.
            fake_scores: discriminator scores of the composite; needed iff the adversarial
                weight is > 0.
        """
        terms: dict[str, Tensor] = {}
        terms["l1_valid"], terms["l1_hole"] = masked_l1(prediction, target, mask)
        terms["tv"] = hole_total_variation(composite, mask)
        if self.weights["ssim"] > 0:
            terms["ssim"] = ssim_loss(composite, target)
        if self.vgg is not None:
            terms["perceptual"], terms["style"] = self.vgg([prediction, composite], target)
        if self.uses_adversarial:
            if fake_scores is None:
                raise ValueError("adversarial weight > 0 but no discriminator scores were given")
            terms["adversarial"] = generator_hinge_loss(fake_scores)
        total = sum(self.weights[name] * value for name, value in terms.items())
        return total, terms
