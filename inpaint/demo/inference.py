"""What the demo page does with a request, as plain functions (tested without a browser).

The page sends Gradio's image-editor value, ``{"background", "layers", "composite"}`` with PIL
images: the photo is the background and the hole is wherever a painted layer is not fully
transparent. A mask file (white = hole, the project's convention) may be given instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from inpaint.data.conventions import check_mask_aspect, file_array_from_holes
from inpaint.data.image_io import DEFAULT_MAX_PIXELS, open_image
from inpaint.inference.inpainter import Inpainter, load_pretrained
from inpaint.inference.inputs import known_mask


class DemoError(ValueError):
    """A request the page cannot fulfil; its message is shown on the page."""


class ModelCache:
    """Models by name (shipped names, or .safetensors paths), loaded on first use.

    Args:
        choices: name shown on the page -> shipped name or .safetensors path.
        device: ``auto``, ``cpu``, ``cuda``...
    """

    def __init__(self, choices: dict[str, str], device: str = "auto") -> None:
        self.choices, self.device = choices, device
        self._loaded: dict[str, Inpainter] = {}

    def get(self, name: str) -> Inpainter:
        if name not in self.choices:
            raise DemoError(f"unknown model {name!r}; choose one of {sorted(self.choices)}")
        if name not in self._loaded:
            self._loaded[name] = load_pretrained(self.choices[name], device=self.device)
        return self._loaded[name]


def painted_holes(layers: list[Image.Image | None], size: tuple[int, int]) -> np.ndarray:
    """bool [H, W], True where any painted layer is not fully transparent."""
    holes = np.zeros(size[::-1], dtype=bool)
    for layer in layers:
        if layer is None:
            continue
        if layer.size != size:
            raise DemoError(
                f"a painted layer is {layer.size[0]}x{layer.size[1]}, the photo {size[0]}x{size[1]}"
            )
        holes |= np.asarray(layer.convert("RGBA"))[..., 3] > 0
    return holes


def read_mask_file(path: str | Path, size: tuple[int, int]) -> Image.Image:
    """The uploaded mask file (white = hole) for a photo of `size` (W, H)."""
    try:
        mask = open_image(path)
    except (FileNotFoundError, ValueError) as error:
        raise DemoError(f"the mask file is not an image: {error}") from error
    try:
        check_mask_aspect(mask.size, size, what=f"mask file {Path(path).name}")
    except ValueError as error:
        raise DemoError(str(error)) from error
    return mask


def request_image_and_mask(
    editor: dict[str, Any] | None, mask_file: str | Path | None
) -> tuple[Image.Image, Image.Image]:
    """(photo, mask L with 255 = hole) from the editor value and an optional mask file, which
    replaces the painted strokes when given."""
    photo = (editor or {}).get("background")
    if photo is None:
        raise DemoError("upload a photo first (drop it on the editor or click it)")
    if photo.mode == "RGBA" and photo.getchannel("A").getextrema() == (255, 255):
        photo = photo.convert("RGB")  # the editor adds an opaque alpha to every photo
    if mask_file:
        mask = read_mask_file(mask_file, photo.size)
    else:
        holes = painted_holes(list(editor.get("layers") or []), photo.size)
        mask = Image.fromarray(file_array_from_holes(holes))
    if known_mask(mask).all():
        raise DemoError("nothing to fill: paint over the part to remove, or upload a mask file")
    return photo, mask


def inpaint_request(
    models: ModelCache,
    model_name: str,
    editor: dict[str, Any] | None,
    mask_file: str | None,
    max_pixels: int | None = DEFAULT_MAX_PIXELS,
) -> tuple[Image.Image, Image.Image]:
    """(result at the photo's full size, the mask used) for one click of the page's button.
    Large photos are inpainted in crops around the holes, as ``inpaint-predict`` does; a
    photo of more than `max_pixels` is refused."""
    photo, mask = request_image_and_mask(editor, mask_file)
    try:
        result = models.get(model_name).inpaint(photo, mask, max_pixels=max_pixels)
    except ValueError as error:
        raise DemoError(str(error)) from error
    return result, mask
