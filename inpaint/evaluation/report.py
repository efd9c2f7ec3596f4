"""The evaluation as markdown tables and as JSON."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from inpaint.evaluation.runner import ALL, EvaluationResult


def closest_to_one(values: Iterable[float]) -> float:
    """The best fill sharpness: as detailed as the photo, neither blurred nor noisier."""
    return min(values, key=lambda v: abs(v - 1))


# (metric, heading, pick of the best value, format)
TABLES = (
    ("psnr", "PSNR (dB, higher is better)", max, "{:.2f}"),
    ("ssim", "SSIM (higher is better)", max, "{:.4f}"),
    ("l1", "L1 (mean absolute error in [0, 1], lower is better)", min, "{:.4f}"),
    (
        "sharpness",
        "Fill sharpness (gradient magnitude in the hole / the photo's; 1 = as detailed as the "
        "photo, closest to 1 is best)",
        closest_to_one,
        "{:.3f}",
    ),
)
REFERENCE = "opencv-telea"


def _table(
    result: EvaluationResult, metric: str, pick: Callable[[Iterable[float]], float], fmt: str
) -> list[str]:
    columns = [*result.buckets, ALL]
    lines = [
        "| method | " + " | ".join(columns) + " |",
        "|---|" + "---:|" * len(columns),
    ]
    best = {column: pick(m[column][metric] for m in result.metrics.values()) for column in columns}
    for name, metrics in result.metrics.items():
        cells = []
        for column in columns:
            text = fmt.format(metrics[column][metric])
            cells.append(f"**{text}**" if metrics[column][metric] == best[column] else text)
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def _against_reference(result: EvaluationResult) -> list[str]:
    """PSNR / SSIM of every other method minus those of OpenCV Telea, per bucket."""
    reference = result.metrics[REFERENCE]
    columns = [*result.buckets, ALL]
    lines = [
        "| method | " + " | ".join(columns) + " |",
        "|---|" + "---:|" * len(columns),
    ]
    for name, metrics in result.metrics.items():
        if name == REFERENCE:
            continue
        cells = [
            f"{metrics[c]['psnr'] - reference[c]['psnr']:+.2f} / "
            f"{metrics[c]['ssim'] - reference[c]['ssim']:+.4f}"
            for c in columns
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def markdown_report(
    result: EvaluationResult,
    description: str,
    command: str,
    chart: str | None = None,
    grid: str | None = None,
    notes: list[str] | None = None,
) -> str:
    """Markdown: `description`, the command, one table per metric (best per bucket in bold),
    the difference to OpenCV Telea when it was run, speed and size, the chart and grid images
    (relative paths) and `notes`."""
    lines = ["# Inpainting evaluation", "", description, "", "```", command, "```", ""]
    for metric, heading, pick, fmt in TABLES:
        lines += [f"## {heading}", "", *_table(result, metric, pick, fmt), ""]
    if REFERENCE in result.metrics and len(result.metrics) > 1:
        lines += [
            f"## Against {REFERENCE} (PSNR dB / SSIM; positive = better than Telea)",
            "",
            *_against_reference(result),
            "",
        ]
    lines += ["## Speed and size", "", "| method | ms / image | parameters |", "|---|---:|---:|"]
    for name in result.metrics:
        lines.append(f"| {name} | {result.ms_per_image[name]:.1f} | {result.params[name]:,} |")
    lines.append("")
    if chart:
        lines += [f"![PSNR and SSIM per hole-ratio bucket]({chart})", ""]
    if grid:
        lines += [
            f"![One example per bucket: masked input, each method, target]({grid})",
            "",
        ]
    if notes:
        lines += ["## Notes", "", *[f"- {note}" for note in notes], ""]
    return "\n".join(lines[:-1]) + "\n"


def json_report(result: EvaluationResult, settings: dict[str, Any]) -> dict[str, Any]:
    """The numbers of `result` (no images) with the `settings` that produced them."""
    return {
        "settings": settings,
        "buckets": result.buckets,
        "samples_per_bucket": result.counts,
        "metrics": result.metrics,
        "ms_per_image": result.ms_per_image,
        "params": result.params,
    }
