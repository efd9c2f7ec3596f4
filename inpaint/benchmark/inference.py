"""Section 3b: inference latency at batch 1 of every pretrained model and of OpenCV Telea.

Models run through ``Inpainter.predict`` (padding to the network's multiple, channels-last
forward under ``inference_mode``, crop, clamp), as ``inpaint-predict`` and ``load_pretrained``
run them: a freshly initialised generator of every block (latency does not depend on the
weights' values) and every shipped pretrained model of those blocks. OpenCV's Telea
(``cv2.inpaint(..., cv2.INPAINT_TELEA)``, radius 3) on the same uint8 image and mask is timed
when ``opencv-python-headless`` (the ``eval`` extra) is installed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import torch
from hydra.utils import instantiate
from omegaconf import DictConfig
from torch import Tensor

from inpaint.benchmark.settings import InferenceSettings
from inpaint.benchmark.timing import paired_ratio, time_interleaved
from inpaint.inference import Inpainter, available_models, load_pretrained

TELEA = "opencv_telea"
TELEA_RADIUS = 3


def opencv_telea(image: Tensor, known: Tensor) -> Callable[[], object] | None:
    """A call of Telea inpainting on one image, or ``None`` when OpenCV is not installed.

    Shapes: image [1, 3, H, W] in [0, 1], known [1, 1, H, W] (1 = known).
    """
    try:
        import cv2
    except ImportError:
        return None
    pixels = (image[0].permute(1, 2, 0).numpy() * 255).round().astype(np.uint8)
    holes = np.where(known[0, 0].numpy() < 0.5, 255, 0).astype(np.uint8)
    return lambda: cv2.inpaint(pixels, holes, TELEA_RADIUS, cv2.INPAINT_TELEA)


def inference_models(
    configs: Mapping[str, DictConfig], device: torch.device, seed: int
) -> tuple[dict[str, Inpainter], str]:
    """The models to time and what they are: a fresh default generator of every block in
    ``configs`` (``fresh <block>``, the ratios' reference family) and every shipped pretrained
    model of one of those blocks (``pretrained <name>``)."""
    models = {}
    for block, cfg in configs.items():
        torch.manual_seed(seed)
        models[f"fresh {block}"] = Inpainter(instantiate(cfg.model.generator), device=str(device))
    shipped = [name for name in available_models() if name in configs]
    for name in shipped:
        models[f"pretrained {name}"] = load_pretrained(name, device=str(device))
    kind = (
        "`fresh <block>`: untrained generators of the benchmark's training config (the default "
        "unless `--override` changed it); `pretrained <name>`: the shipped models "
        f"({', '.join(shipped) or 'none yet'}), whose architecture differs (resize upsampling, "
        "four context convs)"
    )
    return models, kind


def benchmark_inference(
    models: Mapping[str, Inpainter],
    images: Mapping[int, Tensor],
    masks: Mapping[int, Tensor],
    settings: InferenceSettings,
    sync: Callable[[], None],
    reference: str | None = None,
) -> list[dict[str, Any]]:
    """Latency of every model (and Telea) at every size, interleaved per size.

    Args:
        models: label -> inpainter.
        images: size -> Tensor[1, 3, size, size] in [0, 1], on the CPU.
        masks: size -> Tensor[1, 1, size, size], 1 = known.
        settings: sizes and timing.
        sync: called around each timed sample.
        reference: label whose latency is the ratio's denominator (e.g. ``fresh standard``);
            ``None`` for the first model.

    Returns:
        One row per (size, method): ``method, size, latency_ms, ratio, repeats``.
    """
    reference = reference or next(iter(models))
    rows = []
    for size in settings.sizes:
        image, known = images[size], masks[size]
        cases: dict[str, Callable[[], object]] = {
            label: (lambda m=model, x=image, k=known: m.predict(x, k))
            for label, model in models.items()
        }
        telea = opencv_telea(image, known)
        if telea is not None:
            cases[TELEA] = telea
        timings = time_interleaved(cases, sync=sync, **settings.timing.kwargs())
        for label, timing in timings.items():
            rows.append(
                {
                    "method": label,
                    "size": size,
                    "latency_ms": timing.median * 1e3,
                    "ratio": paired_ratio(timing, timings[reference]),
                    "repeats": timing.repeats,
                }
            )
    return rows
