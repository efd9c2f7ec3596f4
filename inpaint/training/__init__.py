"""Training plumbing: atomic checkpoint writes, throughput logging, config-to-objects."""

from inpaint.training.checkpoint_io import AtomicCheckpointIO
from inpaint.training.throughput import ImagesPerSecond

__all__ = ["AtomicCheckpointIO", "ImagesPerSecond"]
