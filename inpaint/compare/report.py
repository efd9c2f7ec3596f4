"""A comparison as markdown (compare.md, also the TensorBoard text) and as JSON."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from inpaint.compare.result import GroupResult
from inpaint.compare.stats import SPREAD_RULE
from inpaint.evaluation.runner import ALL

# (metric, column heading, format)
METRICS = (
    ("psnr", "PSNR (dB)", "{:.2f}"),
    ("ssim", "SSIM", "{:.4f}"),
    ("l1", "L1", "{:.4f}"),
    ("sharpness", "fill sharpness", "{:.3f}"),
)
BUCKET_TABLES = (
    ("psnr", "PSNR (dB) per hole-ratio bucket", "{:.2f}"),
    ("ssim", "SSIM per hole-ratio bucket", "{:.4f}"),
    ("sharpness", "Fill sharpness per hole-ratio bucket (1 = as detailed as the photo)", "{:.3f}"),
)


def gap_text(group: GroupResult, best: GroupResult) -> str:
    """``best``, or the PSNR gap to it with whether it exceeds the seed spread."""
    if group is best:
        return "best"
    verdict = {
        True: "beyond seed spread",
        False: "within seed spread",
        None: "one seed: no spread",
    }[group.beyond_spread]
    return f"-{group.gap_to_best:.2f} ({verdict})"


def overall_table(groups: Sequence[GroupResult], size: int) -> list[str]:
    headings = [
        "configuration",
        "seeds",
        *(heading for _, heading, _ in METRICS),
        "params",
        f"GFLOPs @{size}",
        "train images/s",
        f"inference ms @{size}",
        "PSNR gap to best",
    ]
    lines = ["| " + " | ".join(headings) + " |", "|---|---|" + "---:|" * (len(headings) - 2)]
    for group in groups:
        cost = group.cost
        rate = "" if cost.train_images_per_s is None else f"{cost.train_images_per_s:.1f}"
        cells = [
            group.label,
            ", ".join(map(str, group.seeds)),
            *(group.metrics[ALL][metric].format(fmt) for metric, _, fmt in METRICS),
            f"{cost.params:,}",
            f"{cost.gflops:.2f}",
            rate,
            f"{cost.inference_ms:.1f}",
            gap_text(group, groups[0]),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def bucket_table(groups: Sequence[GroupResult], metric: str, fmt: str) -> list[str]:
    buckets = [b for b in groups[0].metrics if b != ALL]
    lines = [
        "| configuration | " + " | ".join(buckets) + " |",
        "|---|" + "---:|" * len(buckets),
    ]
    for group in groups:
        cells = [group.metrics[b][metric].format(fmt) for b in buckets]
        lines.append(f"| {group.label} | " + " | ".join(cells) + " |")
    return lines


def markdown_report(
    groups: Sequence[GroupResult],
    description: str,
    command: str,
    size: int,
    charts: Sequence[tuple[str, str]] = (),
) -> str:
    """compare.md: what was scored, the command, the overall table with costs (best group
    first), one table per metric per bucket and the `charts` as (alt text, file) images."""
    lines = [
        f"# Comparison of {len(groups)} configurations",
        "",
        description,
        "",
        "```",
        command,
        "```",
        "",
        f"Values are mean ± standard deviation over seeds. {SPREAD_RULE}",
        "",
        "## Overall, best PSNR first",
        "",
        *overall_table(groups, size),
        "",
    ]
    for metric, heading, fmt in BUCKET_TABLES:
        lines += [f"## {heading}", "", *bucket_table(groups, metric, fmt), ""]
    for alt, file in charts:
        lines += [f"![{alt}]({file})", ""]
    return "\n".join(lines[:-1]) + "\n"


def json_report(groups: Sequence[GroupResult], settings: dict[str, Any]) -> dict[str, Any]:
    """compare.json: the settings and every group's numbers, best first."""
    return {"settings": settings, "groups": [group.as_dict() for group in groups]}
