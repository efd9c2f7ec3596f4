"""Losses: pixel L1 (known / hole), total variation, SSIM, image-gradient L1, focal
frequency, VGG perceptual + style, hinge adversarial and discriminator feature matching."""

from inpaint.losses.adversarial import (
    discriminator_hinge_loss,
    feature_matching_loss,
    generator_hinge_loss,
)
from inpaint.losses.frequency import focal_frequency_loss
from inpaint.losses.gradient import gradient_l1
from inpaint.losses.inpaint_loss import DiscriminatorFeatures, InpaintLoss
from inpaint.losses.perceptual import VGGFeatureLoss, gram_matrix, load_vgg16_features
from inpaint.losses.reconstruction import hole_total_variation, masked_l1
from inpaint.losses.structural import ssim_loss

__all__ = [
    "DiscriminatorFeatures",
    "InpaintLoss",
    "VGGFeatureLoss",
    "discriminator_hinge_loss",
    "feature_matching_loss",
    "focal_frequency_loss",
    "generator_hinge_loss",
    "gradient_l1",
    "gram_matrix",
    "hole_total_variation",
    "load_vgg16_features",
    "masked_l1",
    "ssim_loss",
]
