"""Generator, discriminator and the LightningModule that trains them."""

from inpaint.models.discriminator import PatchDiscriminator
from inpaint.models.generator import UNetGenerator, composite
from inpaint.models.module import InpaintModule

__all__ = ["InpaintModule", "PatchDiscriminator", "UNetGenerator", "composite"]
