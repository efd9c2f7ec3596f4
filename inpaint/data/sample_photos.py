"""The embedded `samples` data set: nine colour photographs from scikit-image (see
samples/SOURCE.md), split by photograph so no photo is on both sides."""

from __future__ import annotations

from pathlib import Path

SAMPLES_DIR = Path(__file__).resolve().parent / "samples"
# the motorcycle stereo pair shows one scene, so both views are on the same side
TRAIN_PHOTOS = (
    "astronaut",
    "chelsea",
    "hubble_deep_field",
    "immunohistochemistry",
    "retina",
    "motorcycle_left",
    "motorcycle_right",
)
VAL_PHOTOS = ("coffee", "rocket")


def sample_files(split: str) -> list[Path]:
    """Paths of the ``train`` or ``val`` photographs."""
    names = {"train": TRAIN_PHOTOS, "val": VAL_PHOTOS}.get(split)
    if names is None:
        raise ValueError(f"split must be 'train' or 'val', got {split!r}")
    return [SAMPLES_DIR / f"{name}.jpg" for name in names]
