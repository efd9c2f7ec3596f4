"""inpaint: train, compare and use image-inpainting models built from convolution variants."""

from inpaint.lazy import lazy_attributes

__version__ = "0.1.0"
_SOURCES = {name: "inference" for name in ("available_models", "default_model", "load_pretrained")}
__all__ = sorted(_SOURCES)
__getattr__ = lazy_attributes(__name__, _SOURCES)
