"""The pretrained models shipped inside the package, listed without importing torch."""

from __future__ import annotations

from pathlib import Path

SHIPPED_DIR = Path(__file__).resolve().parents[1] / "weights"

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
