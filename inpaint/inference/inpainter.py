"""Inpaint images of any size with a trained generator.

    from inpaint import load_pretrained
    model = load_pretrained("fourier")  # or no name: default_model()
    result = model.inpaint(image, mask)
    model = load_pretrained("fourier.onnx", backend="onnxruntime")  # written by inpaint-export

Accepted images and masks, their checks, the mask conventions and the alpha rule are in
`inpaint.inference.inputs`. PIL and numpy results are 8-bit of the same kind (PIL RGB or RGBA
image, uint8 [H, W, 3] or [H, W, 4]: RGBA when the input's alpha is kept); a tensor result has
the input tensor's dtype and device.

Known pixels of the result are bit-exact copies of the (8-bit) input; for tensors, of the input
tensor itself. A mask of another size but the same aspect ratio is resized (nearest) with a
warning; a mask without holes returns the input unchanged.

Large images (``strategy="auto"`` and a longer side above `WORKING_SIZE`, or ``"crops"``) are
inpainted in boxes around their holes (`inpaint.inference.hole_crops`), each at most
`WORKING_SIZE` (or ``max_size``) on its longer side, so time follows the hole area and memory
stays bounded; ``"whole"`` runs the whole image, downscaled to ``max_size`` if given.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from torch import Tensor, nn

from inpaint.data.image_io import DEFAULT_MAX_PIXELS
from inpaint.inference.hole_crops import Box, hole_boxes
from inpaint.inference.inputs import (
    PreparedImage,
    apply_alpha_rule,
    check_pixel_count,
    fit_mask,
    known_mask,
    prepare_image,
    warn_if_all_hole,
)
from inpaint.inference.onnx_generator import OnnxGenerator
from inpaint.inference.options import BACKENDS, CROP_CONTEXT, STRATEGIES, WORKING_SIZE
from inpaint.inference.weights import load_generator
from inpaint.model_cards import default_model
from inpaint.models import UNetGenerator

DEVICE_PATTERN = re.compile(r"auto|cpu|mps|cuda(:\d+)?")


def pick_device(device: str) -> torch.device:
    """``auto`` -> cuda when available, else cpu; ``cpu`` / ``cuda`` / ``cuda:1`` / ``mps``."""
    if not DEVICE_PATTERN.fullmatch(str(device)):
        raise ValueError(f"device must be auto, cpu, cuda, cuda:<index> or mps, got {device!r}")
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(f"device {device!r} asked for, but CUDA is not available here")
    if device == "mps" and not torch.backends.mps.is_available():
        raise ValueError("device 'mps' asked for, but MPS is not available here")
    return torch.device(device)


class Inpainter:
    """A generator ready for inference on images of any size.

    Args:
        generator: the trained network, in PyTorch or exported to ONNX (`OnnxGenerator`):
            either is called as generator(image, known) -> prediction and has a
            ``size_multiple``.
        device: where a PyTorch generator runs: ``auto``, ``cpu``, ``cuda``, ``cuda:<index>``
            or ``mps``. An `OnnxGenerator` runs where its session was made; it takes and
            returns CPU tensors.
        card: the model card (config, data, metrics), kept for reference.
    """

    def __init__(
        self,
        generator: UNetGenerator | OnnxGenerator,
        device: str = "auto",
        card: dict | None = None,
    ):
        if isinstance(generator, nn.Module):
            self.device = pick_device(device)
            # NHWC: oneDNN and cuDNN convolutions run faster on it, with the same results
            self.generator = generator.eval().to(self.device, memory_format=torch.channels_last)
        else:
            self.device = torch.device("cpu")
            self.generator = generator
        self.card = card or {}

    @torch.inference_mode()
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
        if isinstance(self.generator, nn.Module):
            image = image.contiguous(memory_format=torch.channels_last)
            known = known.contiguous(memory_format=torch.channels_last)
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

    def fill_in_crops(
        self, image: PreparedImage, known: np.ndarray, max_size: int
    ) -> list[tuple[Box, Tensor]]:
        """Predictions in boxes around the holes of one image (`known`: bool [H, W], True =
        known), each inpainted at most `max_size` on its longer side: (box, float [3, h, w])."""
        patches = []
        for box in hole_boxes(known, CROP_CONTEXT):
            top, left, bottom, right = box
            window = torch.from_numpy(known[top:bottom, left:right])[None, None].float()
            patches.append((box, self.fill(image.region(box)[None], window, max_size)[0]))
        return patches

    def inpaint(
        self,
        image: Any,
        mask: Any,
        max_size: int | None = None,
        strategy: str = "auto",
        alpha: str = "keep",
        max_pixels: int | None = DEFAULT_MAX_PIXELS,
    ) -> Any:
        """Fill the holes of one image; see the module doc for the strategies and
        `inpaint.inference.inputs` for the accepted types, mask conventions and alpha rules.
        An image of more than `max_pixels` pixels (None: any) is a ValueError."""
        return self.inpaint_batch([image], [mask], max_size, strategy, alpha, max_pixels)[0]

    def inpaint_batch(
        self,
        images: Sequence[Any],
        masks: Sequence[Any],
        max_size: int | None = None,
        strategy: str = "auto",
        alpha: str = "keep",
        max_pixels: int | None = DEFAULT_MAX_PIXELS,
    ) -> list[Any]:
        """Fill the holes of several images: those of one size inpainted whole go through the
        network as one batch; images whose mask has no hole are returned unchanged without
        running it. Arguments and results as for `inpaint`, element by element."""
        if len(images) != len(masks):
            raise ValueError(f"got {len(images)} images but {len(masks)} masks")
        if strategy not in STRATEGIES:
            raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}")
        if max_size is not None and max_size < 1:
            raise ValueError(f"max_size must be a positive number of pixels, got {max_size}")
        for image in images:
            check_pixel_count(image, max_pixels)
        prepared = [prepare_image(image) for image in images]
        knowns = []
        for item, mask in zip(prepared, masks, strict=True):
            known = apply_alpha_rule(fit_mask(known_mask(mask), item.size), item.alpha, alpha)
            warn_if_all_hole(known)
            knowns.append(known)
        patches: list[list[tuple[Box, Tensor]]] = [[] for _ in images]
        whole: dict[tuple[int, ...], list[int]] = {}
        for index, (item, known) in enumerate(zip(prepared, knowns, strict=True)):
            if known.all():
                continue
            if strategy == "crops" or (strategy == "auto" and max(known.shape) > WORKING_SIZE):
                patches[index] = self.fill_in_crops(item, known, max_size or WORKING_SIZE)
            else:
                whole.setdefault(known.shape, []).append(index)
        for shape, indices in whole.items():
            box = (0, 0, *shape)
            batch = torch.stack([prepared[i].region(box) for i in indices])
            known_batch = torch.stack([torch.from_numpy(knowns[i])[None].float() for i in indices])
            for i, prediction in zip(indices, self.fill(batch, known_batch, max_size), strict=True):
                patches[i] = [(box, prediction)]
        return [
            _compose(image, item, known, image_patches, alpha)
            for image, item, known, image_patches in zip(
                images, prepared, knowns, patches, strict=True
            )
        ]


def _compose(
    image: Any,
    item: PreparedImage,
    known: np.ndarray,
    patches: list[tuple[Box, Tensor]],
    alpha: str,
) -> Any:
    """The result for one input: its known pixels, and in its holes the predictions of the
    `patches` (box, float [3, h, w]); in the input's type, with the input's alpha under
    ``alpha="keep"``."""
    if item.pixels is None:
        result = image.clone()
        for (top, left, bottom, right), prediction in patches:
            holes = ~torch.from_numpy(known[top:bottom, left:right]).to(image.device)
            window = result[:, top:bottom, left:right]  # a view: filled in place
            window[:, holes] = prediction.to(image)[:, holes]
        return result
    pixels = item.pixels  # the input's own copy: filled in place
    for (top, left, bottom, right), prediction in patches:
        holes = ~known[top:bottom, left:right]
        filled = (prediction * 255).round().to(torch.uint8).permute(1, 2, 0).numpy()
        pixels[top:bottom, left:right][holes] = filled[holes]
    if item.alpha is not None and alpha == "keep":
        pixels = np.dstack([pixels, item.alpha])
    return pixels if isinstance(image, np.ndarray) else Image.fromarray(pixels)


def load_pretrained(
    name_or_path: str | Path | None = None, device: str = "auto", backend: str = "torch"
) -> Inpainter:
    """An `Inpainter` for a shipped model name (see `available_models`) or a .safetensors path;
    None = `default_model()` (fourier).

    ``backend="onnxruntime"`` runs an ``.onnx`` file written by ``inpaint-export`` instead
    (needs the onnx extra); a shipped name is refused with the command that exports it, since
    exporting takes seconds to a minute.
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    name_or_path = default_model() if name_or_path is None else name_or_path
    if backend == "onnxruntime":
        if Path(name_or_path).suffix.lower() != ".onnx":
            raise ValueError(
                f"the onnxruntime backend runs an exported .onnx file, got {str(name_or_path)!r}"
                f": export it first with inpaint-export --model {name_or_path} --onnx "
                f"{Path(name_or_path).stem}.onnx"
            )
        generator = OnnxGenerator(name_or_path, device=device)
        return Inpainter(generator, card=generator.card)
    generator, card = load_generator(name_or_path)
    return Inpainter(generator, device=device, card=card)
