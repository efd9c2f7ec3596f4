"""Pretrained models: safetensors weights + model cards, any-size inference, export from runs."""

from inpaint.inference.inpainter import Inpainter, load_pretrained
from inpaint.inference.weights import (
    available_models,
    default_model,
    load_generator,
    save_generator,
)

__all__ = [
    "Inpainter",
    "available_models",
    "default_model",
    "load_generator",
    "load_pretrained",
    "save_generator",
]
