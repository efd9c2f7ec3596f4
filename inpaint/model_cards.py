"""Where a model's weights are and what its card says, read without torch: the models shipped
in ``inpaint/weights/``, a name or path resolved to its ``.safetensors`` file, and the JSON
card beside it. Training (``model.init_from``) and inference both build on it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SHIPPED_DIR = Path(__file__).resolve().parent / "weights"

#: The shipped model used when none is named: the best network of docs/results.md (fourier:
#: better than OpenCV's Telea and Navier-Stokes on PSNR and SSIM in every hole-ratio bucket,
#: and better than the other shipped models in every bucket, 24.77 dB / 0.853 overall).
DEFAULT_MODEL = "fourier"


def available_models() -> list[str]:
    """Names of the pretrained models shipped inside the package."""
    return sorted(p.stem for p in SHIPPED_DIR.glob("*.safetensors"))


def default_model() -> str:
    """`DEFAULT_MODEL` if it is shipped, else the first shipped model by name."""
    names = available_models()
    if not names:
        raise FileNotFoundError(f"no pretrained models are shipped in {SHIPPED_DIR}")
    return DEFAULT_MODEL if DEFAULT_MODEL in names else names[0]


def resolve_model(name_or_path: str | Path) -> Path:
    """The .safetensors path of a shipped model name or of a user's file."""
    path = Path(name_or_path)
    if path.suffix.lower() == ".onnx":
        raise ValueError(
            f"{path} is an ONNX export, not PyTorch weights: run it with the onnxruntime "
            "backend (load_pretrained(..., backend='onnxruntime'), inpaint-predict --backend "
            "onnxruntime)"
        )
    if path.suffix == ".safetensors" or path.is_file():
        if not path.is_file():
            raise FileNotFoundError(f"model weights file not found: {path}")
        return path
    shipped_path = SHIPPED_DIR / f"{name_or_path}.safetensors"
    if not shipped_path.is_file():
        raise ValueError(
            f"unknown model {str(name_or_path)!r}; available: {available_models()} "
            "(or pass the path of a .safetensors file with its .json card beside it)"
        )
    return shipped_path


def read_card(weights_path: Path) -> dict[str, Any]:
    """The JSON model card beside `weights_path`; errors name the card and what is wrong."""
    card_path = weights_path.with_suffix(".json")
    if not card_path.is_file():
        raise FileNotFoundError(
            f"model card {card_path} not found: every weights file needs its .json card "
            "(with the 'generator' config) beside it"
        )
    try:
        card = json.loads(card_path.read_text())
    except json.JSONDecodeError as error:
        raise ValueError(f"model card {card_path} is not valid JSON: {error}") from error
    if "generator" not in card:
        raise ValueError(f"model card {card_path} has no 'generator' config")
    return card
