"""Training plumbing: config-to-objects, resuming, atomic checkpoint writes, callbacks."""

from inpaint.training.checkpoint_io import AtomicCheckpointIO
from inpaint.training.final_validation import ValidateAtEnd
from inpaint.training.last_checkpoint import LastCheckpoint
from inpaint.training.throughput import ImagesPerSecond

__all__ = ["AtomicCheckpointIO", "ImagesPerSecond", "LastCheckpoint", "ValidateAtEnd"]
