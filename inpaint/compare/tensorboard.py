"""The comparison as a TensorBoard text entry in the sweep folder, beside the runs' curves."""

from __future__ import annotations

from pathlib import Path

from torch.utils.tensorboard import SummaryWriter

# the sub-folder of the sweep that TensorBoard lists as one more "run"
TENSORBOARD_DIR = "compare"


def write_tensorboard_text(sweep_dir: Path, markdown: str) -> Path:
    """Write `markdown` as the text entry ``compare`` (TEXT tab) under
    ``<sweep_dir>/compare/``; returns that folder. Each call adds one event file."""
    folder = sweep_dir / TENSORBOARD_DIR
    with SummaryWriter(log_dir=str(folder)) as writer:
        writer.add_text("compare", markdown)
    return folder
