"""Boxes around the holes of a large image, so that the network only sees the parts to fill.

A 4000x3000 photo with a few strokes needs the network near the strokes only (IOPaint's crop
strategy): holes are grouped (closer than two context margins = one group), each group gets a
box with context around it, and overlapping boxes are merged. Time then follows the hole area,
not the photo's, and memory follows the largest box, which `Inpainter` caps at a working size.
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F

# (top, left, bottom, right) in pixels, bottom / right exclusive
Box = tuple[int, int, int, int]


def _label_components(cells: torch.Tensor) -> torch.Tensor:
    """8-connected components of a bool grid [h, w] -> float labels [h, w] (0 = background):
    every cell takes the largest label of its neighbourhood until nothing changes."""
    labels = torch.arange(1, cells.numel() + 1, dtype=torch.float64).reshape(cells.shape) * cells
    while True:
        spread = F.max_pool2d(labels[None, None], 3, stride=1, padding=1)[0, 0] * cells
        if torch.equal(spread, labels):
            return labels
        labels = spread


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _merge_overlapping(boxes: list[Box]) -> list[Box]:
    """Boxes merged (into their bounding box) until no two overlap: each box absorbs every
    kept box it overlaps, growing as it does, so the kept boxes never overlap each other."""
    kept: list[Box] = []
    for box in boxes:
        while (other := next((k for k in kept if _overlap(k, box)), None)) is not None:
            kept.remove(other)
            box = (
                min(box[0], other[0]),
                min(box[1], other[1]),
                max(box[2], other[2]),
                max(box[3], other[3]),
            )
        kept.append(box)
    return sorted(kept)


def hole_boxes(known: np.ndarray, context: int, cell: int = 16) -> list[Box]:
    """Non-overlapping boxes that cover every hole of `known` (bool [H, W], True = known) with
    at least `context` pixels around each group of holes, or half the group's longer side if
    that is more (clipped at the image border). Holes are grouped on a grid of `cell`-pixel
    cells, so boxes are found in time proportional to H * W / cell**2."""
    if context < 0 or cell < 1:
        raise ValueError(f"need context >= 0 and cell >= 1, got {context} and {cell}")
    height, width = known.shape
    holes = np.pad(~known, ((0, -height % cell), (0, -width % cell)))
    rows, cols = holes.shape[0] // cell, holes.shape[1] // cell
    cells = torch.from_numpy(holes.reshape(rows, cell, cols, cell).any(axis=(1, 3)))
    reach = math.ceil(context / cell)
    grouped = F.max_pool2d(cells[None, None].float(), 2 * reach + 1, stride=1, padding=reach)
    labels = _label_components(grouped[0, 0] > 0) * cells  # group labels on the hole cells only
    boxes = []
    for label in labels[labels > 0].unique().tolist():
        rows, cols = torch.nonzero(labels == label, as_tuple=True)
        top, left = int(rows.min()) * cell, int(cols.min()) * cell
        bottom = min(height, (int(rows.max()) + 1) * cell)
        right = min(width, (int(cols.max()) + 1) * cell)
        margin = max(context, max(bottom - top, right - left) // 2)
        boxes.append(
            (
                max(0, top - margin),
                max(0, left - margin),
                min(height, bottom + margin),
                min(width, right + margin),
            )
        )
    return _merge_overlapping(boxes)
