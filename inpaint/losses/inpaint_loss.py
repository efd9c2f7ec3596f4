"""The generator's weighted loss: every term's weight is a config value and every term is
returned separately so it can be logged."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from torch import Tensor, nn

from inpaint.losses.adversarial import feature_matching_loss, generator_hinge_loss
from inpaint.losses.frequency import focal_frequency_loss
from inpaint.losses.gradient import gradient_l1
from inpaint.losses.perceptual import VGG_HOW_TO, VGGFeatureLoss
from inpaint.losses.reconstruction import hole_total_variation, masked_l1
from inpaint.losses.structural import ssim_loss


class DiscriminatorFeatures(NamedTuple):
    """The discriminator's activations (`features`) for the real images and for the
    composites of one batch; the last of each list is its scores."""

    real: list[Tensor]
    fake: list[Tensor]


class InpaintLoss(nn.Module):
    """Weighted sum of L1 (known / hole), total variation, SSIM, image-gradient L1, focal
    frequency, perceptual, style, adversarial and feature-matching terms.

    Defaults follow Liu et al. 2018 for the pixel terms (valid 1, hole 6, tv 0.1); the SSIM term
    ``1 - SSIM(composite, target)``, the gradient L1 and the focal frequency loss (with its
    exponent `focal_frequency_alpha`) of the composite are off by default; perceptual (0.05)
    and style (120) need VGG16 weights from ``vgg_weights_path``; the adversarial (hinge) and
    feature-matching terms need a discriminator.
    """

    def __init__(
        self,
        valid_weight: float = 1.0,
        hole_weight: float = 6.0,
        tv_weight: float = 0.1,
        ssim_weight: float = 0.0,
        gradient_weight: float = 0.0,
        focal_frequency_weight: float = 0.0,
        focal_frequency_alpha: float = 1.0,
        perceptual_weight: float = 0.0,
        style_weight: float = 0.0,
        adversarial_weight: float = 0.0,
        feature_matching_weight: float = 0.0,
        vgg_weights_path: str | Path | None = None,
    ) -> None:
        super().__init__()
        self.weights = {
            "l1_valid": valid_weight,
            "l1_hole": hole_weight,
            "tv": tv_weight,
            "ssim": ssim_weight,
            "gradient": gradient_weight,
            "focal_frequency": focal_frequency_weight,
            "perceptual": perceptual_weight,
            "style": style_weight,
            "adversarial": adversarial_weight,
            "feature_matching": feature_matching_weight,
        }
        for name, weight in self.weights.items():
            if not weight >= 0:  # also rejects NaN
                raise ValueError(f"loss weight {name} must be >= 0, got {weight}")
        if not focal_frequency_alpha >= 0:
            raise ValueError(f"focal_frequency_alpha must be >= 0, got {focal_frequency_alpha}")
        if feature_matching_weight > 0 and not adversarial_weight > 0:
            raise ValueError(
                "feature_matching_weight > 0 needs a discriminator: set an adversarial weight "
                "> 0 and a gan (e.g. gan=patchgan)"
            )
        self.focal_frequency_alpha = focal_frequency_alpha
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
        discriminator: DiscriminatorFeatures | None = None,
    ) -> tuple[Tensor, dict[str, Tensor]]:
        """Total loss and the unweighted terms.

        Args:
            prediction: raw generator output [N, 3, H, W].
            composite: known pixels from target, holes from prediction [N, 3, H, W].
            target: ground truth [N, 3, H, W] in [0, 1].
            mask: [N, 1, H, W], 1 = known.
            discriminator: its features of the target and of the composite; the adversarial
                and feature-matching terms are computed only when they are given (the
                module leaves them out while the discriminator warms up).
        """
        terms: dict[str, Tensor] = {}
        terms["l1_valid"], terms["l1_hole"] = masked_l1(prediction, target, mask)
        terms["tv"] = hole_total_variation(composite, mask)
        if self.weights["ssim"] > 0:
            terms["ssim"] = ssim_loss(composite, target)
        if self.weights["gradient"] > 0:
            terms["gradient"] = gradient_l1(composite, target)
        if self.weights["focal_frequency"] > 0:
            terms["focal_frequency"] = focal_frequency_loss(
                composite, target, self.focal_frequency_alpha
            )
        if self.vgg is not None:
            terms["perceptual"], terms["style"] = self.vgg([prediction, composite], target)
        if self.uses_adversarial and discriminator is not None:
            terms["adversarial"] = generator_hinge_loss(discriminator.fake[-1])
            if self.weights["feature_matching"] > 0:
                terms["feature_matching"] = feature_matching_loss(
                    discriminator.fake[:-1], discriminator.real[:-1]
                )
        total = sum(self.weights[name] * value for name, value in terms.items())
        return total, terms
