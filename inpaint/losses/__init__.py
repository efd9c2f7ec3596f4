"""Losses: pixel L1 (known / hole), total variation, SSIM, VGG perceptual + style, hinge
adversarial."""

from inpaint.losses.adversarial import discriminator_hinge_loss, generator_hinge_loss
from inpaint.losses.inpaint_loss import InpaintLoss
from inpaint.losses.perceptual import VGGFeatureLoss, gram_matrix, load_vgg16_features
from inpaint.losses.reconstruction import hole_total_variation, masked_l1
from inpaint.losses.structural import ssim_loss

__all__ = [
    "InpaintLoss",
    "VGGFeatureLoss",
    "discriminator_hinge_loss",
    "generator_hinge_loss",
    "gram_matrix",
    "hole_total_variation",
    "load_vgg16_features",
    "masked_l1",
    "ssim_loss",
]
