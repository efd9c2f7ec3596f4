"""Pretrained models: safetensors weights + model cards, any-size inference, export from runs
and to ONNX."""

from inpaint.lazy import lazy_attributes

# listed without importing torch
from inpaint.model_cards import available_models as available_models
from inpaint.model_cards import default_model as default_model

_SOURCES = {
    "Inpainter": "inpainter",
    "load_pretrained": "inpainter",
    "load_generator": "weights",
    "save_generator": "weights",
    "export_onnx": "onnx_export",
    "OnnxGenerator": "onnx_generator",
}
__all__ = sorted([*_SOURCES, "available_models", "default_model"])
__getattr__ = lazy_attributes(__name__, _SOURCES)
