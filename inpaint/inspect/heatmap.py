"""Small PIL/numpy picture helpers: log-scaled heatmaps, labelled panels, grids, PNG output.

The colormap is a piecewise-linear approximation of matplotlib's *inferno* through seven of
its colours (black -> purple -> red -> orange -> pale yellow), so heatmaps read the same
without matplotlib.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

#: (position in [0, 1], RGB) anchors of the colormap, sampled from *inferno*.
INFERNO = (
    (0.0, (0, 0, 4)),
    (0.15, (31, 12, 72)),
    (0.35, (106, 23, 110)),
    (0.5, (165, 44, 96)),
    (0.65, (221, 81, 58)),
    (0.85, (250, 164, 10)),
    (1.0, (252, 255, 164)),
)


def log_scale(values: np.ndarray, decades: float = 4.0) -> np.ndarray:
    """Map nonnegative ``values`` to [0, 1] by ``log10(values / max)``: the maximum goes to 1,
    ``max * 10 ** -decades`` and below (zeros included) to 0. Same shape as ``values``."""
    peak = float(values.max())
    if peak <= 0:
        return np.zeros_like(values, dtype=np.float64)
    floor = 10.0**-decades
    relative = np.clip(values / peak, floor, 1.0)
    return (np.log10(relative) + decades) / decades


def colorize(unit: np.ndarray) -> np.ndarray:
    """``[H, W]`` values in [0, 1] -> ``[H, W, 3]`` uint8 colours of `INFERNO`."""
    positions = [p for p, _ in INFERNO]
    channels = [np.interp(unit, positions, [rgb[c] for _, rgb in INFERNO]) for c in range(3)]
    return np.stack(channels, axis=-1).round().astype(np.uint8)


def heatmap(
    values: np.ndarray,
    decades: float = 4.0,
    squares: Sequence[tuple[int, tuple[int, int, int]]] = (),
    size: int | None = None,
) -> Image.Image:
    """A log-scaled heatmap of ``values`` ([H, W], nonnegative) as an RGB image.

    Args:
        values: e.g. a mean absolute gradient map.
        decades: orders of magnitude below the maximum that still get a colour.
        squares: ``(side, rgb)`` outlines centred on pixel ``(H // 2, W // 2)``, e.g. the
            theoretical receptive field and the squares holding 50% / 95% of the mass.
        size: resize the result to ``size x size`` (box filter); ``None`` keeps ``H x W``.
    """
    image = Image.fromarray(colorize(log_scale(values, decades)))
    h, w = values.shape
    scale = 1.0 if size is None else size / max(h, w)
    if size is not None:
        image = image.resize((round(w * scale), round(h * scale)), Image.Resampling.BOX)
    draw = ImageDraw.Draw(image)
    cy, cx = (h // 2 + 0.5) * scale, (w // 2 + 0.5) * scale
    for side, colour in squares:
        half = side * scale / 2
        draw.rectangle([cx - half, cy - half, cx + half - 1, cy + half - 1], outline=colour)
    return image


def titled(image: Image.Image, title: str, font_size: int = 11) -> Image.Image:
    """``image`` under a white strip holding ``title`` (one or more lines)."""
    font = ImageFont.load_default(size=font_size)
    lines = title.split("\n")
    strip = (font_size + 3) * len(lines) + 4
    canvas = Image.new("RGB", (image.width, image.height + strip), "white")
    canvas.paste(image.convert("RGB"), (0, strip))
    draw = ImageDraw.Draw(canvas)
    for i, line in enumerate(lines):
        draw.text((3, 2 + i * (font_size + 3)), line, fill="black", font=font)
    return canvas


def grid(panels: Sequence[Image.Image], columns: int, gap: int = 4) -> Image.Image:
    """Panels left to right, top to bottom, on a white background, each cell the size of the
    largest panel."""
    if not panels:
        raise ValueError("grid needs at least one panel")
    cell_w = max(p.width for p in panels)
    cell_h = max(p.height for p in panels)
    rows = -(-len(panels) // columns)
    canvas = Image.new(
        "RGB", (columns * cell_w + (columns - 1) * gap, rows * cell_h + (rows - 1) * gap), "white"
    )
    for i, panel in enumerate(panels):
        row, col = divmod(i, columns)
        canvas.paste(panel, (col * (cell_w + gap), row * (cell_h + gap)))
    return canvas


def to_image(values: np.ndarray) -> Image.Image:
    """``[H, W]`` grey or ``[H, W, 3]`` RGB values in [0, 1] as an 8-bit image."""
    return Image.fromarray((np.clip(values, 0, 1) * 255).round().astype(np.uint8))


def save_png(image: Image.Image, path: str | Path, colors: int = 128) -> Path:
    """Save ``image`` as a palette PNG of at most ``colors`` colours (small files for docs);
    creates the parent folder. Returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.convert("RGB").quantize(colors=colors).save(path, optimize=True)
    return path
