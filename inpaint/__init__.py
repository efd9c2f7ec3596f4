"""inpaint: train, compare and use image-inpainting models built from convolution variants."""

__version__ = "0.1.0"
