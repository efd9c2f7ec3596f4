"""Image-quality metrics (torchmetrics), overall and per hole-ratio bucket."""

from inpaint.metrics.bucketed import HOLE_RATIO_EDGES, BucketedImageMetrics, bucket_names

__all__ = ["HOLE_RATIO_EDGES", "BucketedImageMetrics", "bucket_names"]
