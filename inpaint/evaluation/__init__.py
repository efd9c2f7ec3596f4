"""Evaluation against classical inpainting: fixed masks per hole-ratio bucket, every method on
the same images and masks, per-bucket L1 / PSNR / SSIM and speed, as a table, chart and grid."""

from inpaint.evaluation.baselines import opencv_baselines
from inpaint.evaluation.chart import metric_chart
from inpaint.evaluation.grid import example_grid
from inpaint.evaluation.images import load_square, select_files
from inpaint.evaluation.masks import bucket_masks
from inpaint.evaluation.methods import Method, NetworkMethod
from inpaint.evaluation.report import markdown_report
from inpaint.evaluation.runner import EvaluationResult, evaluate

__all__ = [
    "EvaluationResult",
    "Method",
    "NetworkMethod",
    "bucket_masks",
    "evaluate",
    "example_grid",
    "load_square",
    "markdown_report",
    "metric_chart",
    "opencv_baselines",
    "select_files",
]
