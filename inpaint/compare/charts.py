"""Charts of a comparison, drawn with Pillow like the evaluation's: a Pareto chart of quality
against inference time, and PSNR and fill sharpness per hole-ratio bucket."""

from __future__ import annotations

from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFont

from inpaint.compare.result import GroupResult
from inpaint.evaluation.chart import PALETTE, PANEL, legend, line_panel, nice_ticks
from inpaint.evaluation.runner import ALL

PARETO_SIZE = (900, 600)
PARETO_MARGIN = {"left": 80, "right": 30, "top": 50, "bottom": 70}


def _colour(index: int) -> tuple[int, int, int]:
    return PALETTE[index % len(PALETTE)]


def short_label(label: str) -> str:
    """A point's caption: the chosen config options joined (``gated-resize``), other
    overrides as ``last key part=value`` (``outer_levels=2``)."""
    choices, others = [], []
    for item in label.split():
        key, _, value = item.partition("=")
        if "/" in key:
            choices.append(value)
        else:
            others.append(f"{key.rsplit('.', 1)[-1]}={value}" if value else key)
    return " ".join(["-".join(choices), *others]).strip()


def pareto_chart(groups: Sequence[GroupResult], size: int) -> Image.Image:
    """Held-out PSNR (mean, bar = ± std over seeds) against inference ms at `size`, one
    labelled point per group; the groups no other group beats on both axes are joined by
    the Pareto front."""
    font = ImageFont.load_default(size=15)
    small = ImageFont.load_default(size=12)
    chart = Image.new("RGB", PARETO_SIZE, "white")
    draw = ImageDraw.Draw(chart)
    left, top = PARETO_MARGIN["left"], PARETO_MARGIN["top"]
    right = PARETO_SIZE[0] - PARETO_MARGIN["right"]
    bottom = PARETO_SIZE[1] - PARETO_MARGIN["bottom"]
    points = []
    for group in groups:
        psnr = group.metrics[ALL]["psnr"]
        points.append((group.cost.inference_ms, psnr.mean, psnr.std or 0.0))
    x_ticks = nice_ticks(0, max(p[0] for p in points) * 1.05)
    y_ticks = nice_ticks(min(p[1] - p[2] for p in points), max(p[1] + p[2] for p in points))

    def at(ms: float, psnr: float) -> tuple[float, float]:
        x = left + (right - left) * (ms - x_ticks[0]) / (x_ticks[-1] - x_ticks[0])
        y = bottom - (bottom - top) * (psnr - y_ticks[0]) / (y_ticks[-1] - y_ticks[0])
        return x, y

    title = "Held-out PSNR against inference time (bars: ± std over seeds; grey: Pareto front)"
    draw.text(((left + right) / 2, 16), title, fill="black", font=font, anchor="mt")
    for tick in y_ticks:
        y = at(x_ticks[0], tick)[1]
        draw.line([(left, y), (right, y)], fill=(225, 225, 225))
        draw.text((left - 6, y), f"{tick:g}", fill="black", font=small, anchor="rm")
    for tick in x_ticks:
        x = at(tick, y_ticks[0])[0]
        draw.line([(x, top), (x, bottom)], fill=(235, 235, 235))
        draw.text((x, bottom + 6), f"{tick:g}", fill="black", font=small, anchor="mt")
    draw.rectangle([left, top, right, bottom], outline="black")
    draw.text(
        ((left + right) / 2, bottom + 30),
        f"inference ms per {size}x{size} image (batch 1)",
        fill="black",
        font=font,
        anchor="mt",
    )
    draw.text((left, top - 6), "PSNR (dB)", fill="black", font=font, anchor="lb")
    front = [p for p in points if not any(q[0] <= p[0] and q[1] >= p[1] and q != p for q in points)]
    front_xy = [at(ms, psnr) for ms, psnr, _ in sorted(front)]
    if len(front_xy) > 1:
        draw.line(front_xy, fill=(160, 160, 160), width=2)
    for index, (group, (ms, psnr, std)) in enumerate(zip(groups, points, strict=True)):
        colour = _colour(index)
        x, y = at(ms, psnr)
        if std:
            _, y_low = at(ms, psnr - std)
            _, y_high = at(ms, psnr + std)
            draw.line([(x, y_low), (x, y_high)], fill=colour, width=2)
            draw.line([(x - 4, y_low), (x + 4, y_low)], fill=colour, width=2)
            draw.line([(x - 4, y_high), (x + 4, y_high)], fill=colour, width=2)
        draw.ellipse([x - 5, y - 5, x + 5, y + 5], fill=colour)
        draw.text((x + 8, y), short_label(group.label), fill=colour, font=small, anchor="lm")
    return chart


def bucket_chart(groups: Sequence[GroupResult]) -> Image.Image:
    """PSNR and fill sharpness per hole-ratio bucket (means over seeds), a line per group."""
    buckets = [b for b in groups[0].metrics if b != ALL]
    panels = [
        line_panel(
            title,
            buckets,
            {g.label: [g.metrics[b][metric].mean for b in buckets] for g in groups},
        )
        for metric, title in (("psnr", "PSNR (dB)"), ("sharpness", "fill sharpness"))
    ]
    width = PANEL[0] * len(panels)
    labels = [g.label for g in groups]
    rows = [legend(labels[i : i + 4], width, i) for i in range(0, len(labels), 4)]
    chart = Image.new("RGB", (width, PANEL[1] + sum(r.height for r in rows)), "white")
    for i, panel in enumerate(panels):
        chart.paste(panel, (i * PANEL[0], 0))
    y = PANEL[1]
    for row in rows:
        chart.paste(row, (0, y))
        y += row.height
    return chart
