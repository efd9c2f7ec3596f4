"""Line charts of a metric per hole-ratio bucket, one line per method, drawn with Pillow."""

from __future__ import annotations

import math
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFont

from inpaint.evaluation.runner import EvaluationResult

# matplotlib's "tab10" colours, then black and amber for an 11th and 12th line
PALETTE = (
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
    (188, 189, 34),
    (23, 190, 207),
    (0, 0, 0),
    (230, 170, 0),
)
PANEL = (560, 380)
MARGIN = {"left": 70, "right": 20, "top": 40, "bottom": 60}


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About `count` round tick values covering [low, high]."""
    if high <= low:
        low, high = low - 0.5, high + 0.5
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step) * step
    return [first + i * step for i in range(int(math.ceil((high - first) / step)) + 1)]


def line_panel(
    title: str, x_labels: Sequence[str], series: dict[str, Sequence[float]]
) -> Image.Image:
    """One chart: x = the labels evenly spaced, a coloured line with dots per series."""
    font = ImageFont.load_default(size=14)
    small = ImageFont.load_default(size=12)
    panel = Image.new("RGB", PANEL, "white")
    draw = ImageDraw.Draw(panel)
    left, top = MARGIN["left"], MARGIN["top"]
    right, bottom = PANEL[0] - MARGIN["right"], PANEL[1] - MARGIN["bottom"]
    values = [v for line in series.values() for v in line]
    ticks = nice_ticks(min(values), max(values))
    low, high = ticks[0], ticks[-1]

    def x_at(i: int) -> float:
        return left + (right - left) * (i + 0.5) / len(x_labels)

    def y_at(v: float) -> float:
        return bottom - (bottom - top) * (v - low) / (high - low)

    draw.text(((left + right) / 2, 12), title, fill="black", font=font, anchor="mt")
    for tick in ticks:
        y = y_at(tick)
        draw.line([(left, y), (right, y)], fill=(225, 225, 225))
        draw.text((left - 6, y), f"{tick:g}", fill="black", font=small, anchor="rm")
    draw.rectangle([left, top, right, bottom], outline="black")
    for i, label in enumerate(x_labels):
        draw.text((x_at(i), bottom + 6), label, fill="black", font=small, anchor="mt")
    draw.text(((left + right) / 2, bottom + 28), "hole ratio", fill="black", font=font, anchor="mt")
    for colour, line in zip(_colours(len(series)), series.values(), strict=True):
        points = [(x_at(i), y_at(v)) for i, v in enumerate(line)]
        draw.line(points, fill=colour, width=2)
        for x, y in points:
            draw.ellipse([x - 3, y - 3, x + 3, y + 3], fill=colour)
    return panel


def _colours(count: int, first: int = 0) -> list[tuple[int, int, int]]:
    return [PALETTE[i % len(PALETTE)] for i in range(first, first + count)]


def legend(names: Sequence[str], width: int, first_colour: int = 0) -> Image.Image:
    """A row of coloured swatches with the method names, the first in colour `first_colour`
    (a legend in several rows continues the colours of the lines)."""
    font = ImageFont.load_default(size=14)
    image = Image.new("RGB", (width, 36), "white")
    draw = ImageDraw.Draw(image)
    x = 20
    for colour, name in zip(_colours(len(names), first_colour), names, strict=True):
        draw.line([(x, 18), (x + 24, 18)], fill=colour, width=3)
        draw.text((x + 30, 18), name, fill="black", font=font, anchor="lm")
        x += 30 + int(draw.textlength(name, font=font)) + 24
    return image


def metric_chart(
    result: EvaluationResult, metrics: Sequence[str] = ("psnr", "ssim")
) -> Image.Image:
    """One panel per metric (mean per bucket, every method), side by side, and a legend."""
    titles = {"psnr": "PSNR (dB)", "ssim": "SSIM", "l1": "L1"}
    panels = [
        line_panel(
            titles.get(metric, metric),
            result.buckets,
            {
                name: [per_bucket[b][metric] for b in result.buckets]
                for name, per_bucket in result.metrics.items()
            },
        )
        for metric in metrics
    ]
    width = PANEL[0] * len(panels)
    key = legend(list(result.metrics), width)
    chart = Image.new("RGB", (width, PANEL[1] + key.height), "white")
    for i, panel in enumerate(panels):
        chart.paste(panel, (i * PANEL[0], 0))
    chart.paste(key, (0, PANEL[1]))
    return chart
