"""Inpaint images of any size with a trained generator.

    from inpaint import load_pretrained
    model = load_pretrained("fourier")  # or no name: default_model()
    result = model.inpaint(image, mask)

Images may be PIL images (any mode: RGB, RGBA, L, P, 16-bit; alpha is dropped), numpy arrays
(uint8 or uint16 [H, W], [H, W, 1], [H, W, 3] or [H, W, 4]; float [.., 3] in [0, 1]) or float
tensors [3, H, W] in [0, 1]. PIL and numpy results are 8-bit RGB of the same kind (PIL RGB
image, uint8 [H, W, 3]); a tensor result has the input tensor's dtype and device.

Masks follow the project's two conventions (`inpaint.data.conventions`):
* PIL images and integer arrays are mask *files*: 255 = hole, binarised at 127 (16-bit masks
  are scaled to 8 bits first);
* bool arrays are True = hole (what the mask generators return);
* tensors and float arrays are *tensor* masks: 1 = known, 0 = hole, binarised at 0.5.

Known pixels of the result are bit-exact copies of the (8-bit RGB) input; for tensors, of the
input tensor itself. A mask whose size differs from the image's is resized (nearest) with a
warning; a mask without holes returns the input unchanged.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from torch import Tensor

from inpaint.data.conventions import known_from_file_array, known_from_holes
from inpaint.data.image_io import to_rgb, uint16_to_uint8
from inpaint.inference.weights import default_model, load_generator
from inpaint.models import UNetGenerator


def pick_device(device: str) -> torch.device:
    """``auto`` -> cuda when available, else cpu; ``cpu`` / ``cuda`` / ``cuda:1`` as given."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(f"device {device!r} asked for, but CUDA is not available here")
    return torch.device(device)


def _array_to_uint8(array: np.ndarray) -> np.ndarray:
    """numpy image (see the module doc) -> RGB uint8 [H, W, 3]."""
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[..., 0]
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (3, 4)):
        raise ValueError(
            f"image array must be [H, W], [H, W, 1], [H, W, 3] or [H, W, 4], got {array.shape}"
        )
    if array.dtype == np.uint8:
        pass
    elif array.dtype == np.uint16:
        array = uint16_to_uint8(array)
    elif np.issubdtype(array.dtype, np.floating):
        array = (np.clip(array, 0, 1) * 255).round().astype(np.uint8)
    else:
        raise ValueError(f"image array must be uint8, uint16 or float in [0, 1], got {array.dtype}")
    if array.ndim == 2:
        return np.repeat(array[..., None], 3, axis=2)
    return np.ascontiguousarray(array[..., :3])


def image_to_uint8(image: Image.Image | np.ndarray | Tensor) -> np.ndarray:
    """Any supported image -> RGB uint8 [H, W, 3] (tensors: [3, H, W] float in [0, 1])."""
    if isinstance(image, Tensor):
        check_image_tensor(image)
        return (
            (image.detach().cpu().float().clamp(0, 1) * 255)
            .round()
            .to(torch.uint8)
            .permute(1, 2, 0)
            .numpy()
        )
    if isinstance(image, np.ndarray):
        return _array_to_uint8(image)
    if isinstance(image, Image.Image):
        return np.array(to_rgb(image))  # a writable copy
    raise TypeError(f"image must be a PIL image, numpy array or tensor, got {type(image).__name__}")


def check_image_tensor(image: Tensor) -> None:
    if image.ndim != 3 or image.shape[0] != 3 or not image.is_floating_point():
        raise ValueError(
            f"image tensor must be float [3, H, W] in [0, 1], got {image.dtype} {list(image.shape)}"
        )


def known_mask(mask: Image.Image | np.ndarray | Tensor) -> np.ndarray:
    """Any supported mask -> bool [H, W], True = known pixel (conventions in the module doc)."""
    if isinstance(mask, Tensor):
        mask = mask.detach().cpu().float().numpy()
        if mask.ndim < 2 or int(np.prod(mask.shape[:-2])) != 1:
            raise ValueError(
                f"mask tensor must be [H, W], [1, H, W] or [1, 1, H, W], got {list(mask.shape)}"
            )
        return mask.reshape(mask.shape[-2:]) > 0.5
    if isinstance(mask, Image.Image):
        return known_from_file_array(np.asarray(to_rgb(mask).convert("L"))) > 0.5
    if isinstance(mask, np.ndarray):
        if mask.ndim == 3:
            mask = mask[..., 0]
        if mask.ndim != 2:
            raise ValueError(f"mask array must be [H, W] or [H, W, C], got {mask.shape}")
        if mask.dtype == bool:
            return known_from_holes(mask) > 0.5
        if mask.dtype == np.uint8:
            return known_from_file_array(mask) > 0.5
        if mask.dtype == np.uint16:
            return known_from_file_array(uint16_to_uint8(mask)) > 0.5
        if np.issubdtype(mask.dtype, np.floating):
            return mask > 0.5
        raise ValueError(f"mask array must be bool, uint8, uint16 or float, got {mask.dtype}")
    raise TypeError(f"mask must be a PIL image, numpy array or tensor, got {type(mask).__name__}")


class Inpainter:
    """A generator ready for inference on images of any size.

    Args:
        generator: the trained network.
        device: ``auto``, ``cpu`` or ``cuda``.
        card: the model card (config, data, metrics), kept for reference.
    """

    def __init__(self, generator: UNetGenerator, device: str = "auto", card: dict | None = None):
        self.device = pick_device(device)
        self.generator = generator.eval().to(self.device)
        self.card = card or {}

    @torch.no_grad()
    def predict(self, image: Tensor, known: Tensor) -> Tensor:
        """Raw prediction for a batch of any size: pads to the network's multiple by reflection
        (padding counts as known), runs, crops back.

        Shapes: image [N, 3, H, W] in [0, 1], known [N, 1, H, W] (1 = known) -> [N, 3, H, W]
        in [0, 1], on the CPU.
        """
        multiple = self.generator.size_multiple
        h, w = image.shape[-2:]
        pad_h, pad_w = -h % multiple, -w % multiple
        image, known = image.to(self.device), known.to(self.device)
        if pad_h or pad_w:
            mode = "reflect" if pad_h < h and pad_w < w else "replicate"
            image = F.pad(image, (0, pad_w, 0, pad_h), mode=mode)
            known = F.pad(known, (0, pad_w, 0, pad_h), value=1.0)
        return self.generator(image, known)[..., :h, :w].clamp(0, 1).cpu()

    def fill(self, image: Tensor, known: Tensor, max_size: int | None = None) -> Tensor:
        """Full-size prediction for a batch of same-size images; the caller composites it.

        Shapes: image [N, 3, H, W] in [0, 1], known [N, 1, H, W] (1 = known) -> [N, 3, H, W].
        With ``max_size``, images whose longer side exceeds it are inpainted at that size and
        the prediction is upscaled (bicubic).
        """
        h, w = image.shape[-2:]
        if max_size is None or max(h, w) <= max_size:
            return self.predict(image, known)
        scale = max_size / max(h, w)
        size = (max(1, round(h * scale)), max(1, round(w * scale)))
        small_image = F.interpolate(image, size=size, mode="area")
        # a low-resolution pixel is known only if every pixel it covers is known
        small_known = -F.adaptive_max_pool2d(-known, size)
        prediction = self.predict(small_image, small_known)
        return F.interpolate(prediction, size=(h, w), mode="bicubic", align_corners=False).clamp(
            0, 1
        )

    def inpaint(self, image: Any, mask: Any, max_size: int | None = None) -> Any:
        """Fill the holes of one image; see the module doc for the accepted types, the mask
        conventions and the result's type."""
        return self.inpaint_batch([image], [mask], max_size=max_size)[0]

    def inpaint_batch(
        self, images: Sequence[Any], masks: Sequence[Any], max_size: int | None = None
    ) -> list[Any]:
        """Fill the holes of several images: those of one size go through the network as one
        batch; images whose mask has no hole are returned unchanged without running it.
        Accepted types and results as for `inpaint`, element by element."""
        if len(images) != len(masks):
            raise ValueError(f"got {len(images)} images but {len(masks)} masks")
        # pixels: RGB uint8 [H, W, 3] for PIL / numpy inputs, None for tensors
        pixels: list[np.ndarray | None] = []
        sources, knowns = [], []
        for image, mask in zip(images, masks, strict=True):
            if isinstance(image, Tensor):
                check_image_tensor(image)
                pixels.append(None)
                source = image.detach().cpu().float()
            else:
                pixels.append(image_to_uint8(image))
                source = torch.from_numpy(pixels[-1]).permute(2, 0, 1).float() / 255
            sources.append(source)
            knowns.append(self._known_for(mask, source.shape[-2:]))
        predictions: list[Tensor | None] = [None] * len(images)
        groups: dict[tuple[int, ...], list[int]] = {}
        for index, known in enumerate(knowns):
            if not known.all():
                groups.setdefault(tuple(known.shape), []).append(index)
        for indices in groups.values():
            batch = torch.stack([sources[i] for i in indices])
            known_batch = torch.stack([torch.from_numpy(knowns[i])[None].float() for i in indices])
            for i, prediction in zip(indices, self.fill(batch, known_batch, max_size), strict=True):
                predictions[i] = prediction
        return [
            _compose(image, rgb, known, prediction)
            for image, rgb, known, prediction in zip(
                images, pixels, knowns, predictions, strict=True
            )
        ]

    @staticmethod
    def _known_for(mask: Any, size: tuple[int, int]) -> np.ndarray:
        """bool [H, W] (True = known) for an image of `size` (H, W); resized with a warning."""
        known = known_mask(mask)
        if known.shape != tuple(size):
            warnings.warn(
                f"mask size {known.shape[1]}x{known.shape[0]} differs from image size "
                f"{size[1]}x{size[0]}; resizing the mask (nearest)",
                stacklevel=2,
            )
            known = np.array(Image.fromarray(known).resize(size[::-1], Image.NEAREST))
        return known


def _compose(
    image: Any, pixels: np.ndarray | None, known: np.ndarray, prediction: Tensor | None
) -> Any:
    """The result for one input: its known pixels and `prediction` [3, H, W] in the holes (the
    input unchanged when there is no prediction), in the input's type. `pixels` is the RGB
    uint8 [H, W, 3] version of a PIL / numpy `image`, None for a tensor."""
    if pixels is None:
        if prediction is None:
            return image.clone()
        known_t = torch.from_numpy(known).to(image.device)
        return torch.where(known_t, image, prediction.to(image))
    if prediction is not None:
        filled = (prediction * 255).round().to(torch.uint8).permute(1, 2, 0).numpy()
        pixels = np.where(known[..., None], pixels, filled)
    return pixels if isinstance(image, np.ndarray) else Image.fromarray(pixels)


def load_pretrained(name_or_path: str | Path | None = None, device: str = "auto") -> Inpainter:
    """An `Inpainter` for a shipped model name (see `available_models`) or a .safetensors path;
    None = `default_model()` (standard)."""
    generator, card = load_generator(default_model() if name_or_path is None else name_or_path)
    return Inpainter(generator, device=device, card=card)
