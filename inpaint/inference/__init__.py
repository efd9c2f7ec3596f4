"""Pretrained models: safetensors weights + model cards, any-size inference, export from runs
and to ONNX."""

from inpaint.lazy import lazy_attributes

_SOURCES = {
    "Inpainter": "inpainter",
    "load_pretrained": "inpainter",
    "available_models": "shipped",
    "default_model": "shipped",
    "load_generator": "weights",
    "save_generator": "weights",
    "export_onnx": "onnx_export",
    "OnnxGenerator": "onnx_generator",
}
__all__ = sorted(_SOURCES)
__getattr__ = lazy_attributes(__name__, _SOURCES)
