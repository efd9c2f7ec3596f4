"""inpaint: train, compare and use image-inpainting models built from convolution variants."""

from inpaint.inference import available_models, default_model, load_pretrained

__version__ = "0.1.0"
__all__ = ["available_models", "default_model", "load_pretrained"]
