"""A generator exported to ONNX (`inpaint.inference.onnx_export`), run by onnxruntime and called
like `UNetGenerator`, so the `Inpainter` pads, crops and composites for it as for PyTorch."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import torch
from torch import Tensor

from inpaint.inference.onnx_export import CARD_KEY, INPUT_NAMES, SIZE_MULTIPLE_KEY
from inpaint.inference.onnx_extra import require_onnx_extra

CUDA_DEVICE = re.compile(r"cuda(:(?P<index>\d+))?")


def execution_providers(device: str, available: list[str]) -> list[Any]:
    """onnxruntime's providers for ``auto`` (CUDA when `available` has it, else CPU), ``cpu``,
    ``cuda`` or ``cuda:<index>``."""
    if device == "auto":
        device = "cuda" if "CUDAExecutionProvider" in available else "cpu"
    if device == "cpu":
        return ["CPUExecutionProvider"]
    cuda = CUDA_DEVICE.fullmatch(device)
    if cuda is None:
        raise ValueError(
            f"the onnxruntime backend runs on auto, cpu, cuda or cuda:<index>, got {device!r}"
        )
    if "CUDAExecutionProvider" not in available:
        raise ValueError(
            f"device {device!r} asked for, but this onnxruntime has no CUDA provider "
            f"(it has {available}; the onnxruntime-gpu package has)"
        )
    cuda_provider = ("CUDAExecutionProvider", {"device_id": int(cuda["index"] or 0)})
    return [cuda_provider, "CPUExecutionProvider"]


class OnnxGenerator:
    """An ``.onnx`` file written by `export_onnx`, in an onnxruntime session.

    Args:
        path: the ``.onnx`` file.
        device: ``auto`` (CUDA when onnxruntime has it, else CPU), ``cpu``, ``cuda`` or
            ``cuda:<index>``.

    Attributes:
        card (dict): the model card stored in the file.
        size_multiple (int): input height and width must be multiples of this.

    Called as generator(image [N, 3, H, W] in [0, 1], known [N, 1, H, W], 1 = known) ->
    [N, 3, H, W], the raw prediction as a float32 CPU tensor, like `UNetGenerator`.
    """

    def __init__(self, path: str | Path, device: str = "auto") -> None:
        require_onnx_extra("onnxruntime")
        import onnxruntime

        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"ONNX model file not found: {path}")
        providers = execution_providers(device, onnxruntime.get_available_providers())
        try:
            self.session = onnxruntime.InferenceSession(str(path), providers=providers)
        except Exception as error:  # onnxruntime raises its own error types for bad files
            first_line = str(error).strip().splitlines()[0]
            raise ValueError(f"{path} is not a readable ONNX model: {first_line}") from error
        metadata = self.session.get_modelmeta().custom_metadata_map
        if CARD_KEY not in metadata or SIZE_MULTIPLE_KEY not in metadata:
            raise ValueError(
                f"{path} has no model card in its metadata: export it with inpaint-export"
            )
        self.card: dict[str, Any] = json.loads(metadata[CARD_KEY])
        self.size_multiple = int(metadata[SIZE_MULTIPLE_KEY])

    def __call__(self, image: Tensor, known: Tensor) -> Tensor:
        h, w = image.shape[-2:]
        if h % self.size_multiple or w % self.size_multiple:
            raise ValueError(f"image size {h}x{w} must be a multiple of {self.size_multiple}")
        feeds = {
            name: tensor.detach().float().cpu().contiguous().numpy()
            for name, tensor in zip(INPUT_NAMES, (image, known), strict=True)
        }
        (prediction,) = self.session.run(None, feeds)
        return torch.from_numpy(prediction)
