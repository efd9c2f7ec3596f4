"""Generator, discriminator and the LightningModule that trains them."""

from inpaint.lazy import lazy_attributes

_SOURCES = {
    "InpaintModule": "module",  # Lightning is imported only when training needs it
    "PatchDiscriminator": "discriminator",
    "BatchNormPatchDiscriminator": "patchgan",
    "UNetGenerator": "generator",
    "composite": "generator",
}
__all__ = sorted(_SOURCES)
__getattr__ = lazy_attributes(__name__, _SOURCES)
