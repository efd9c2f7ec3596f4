"""Learning-rate schedules that need the run's total number of steps.

The LightningModule calls ``scheduler(optimizer, total_steps=trainer.estimated_stepping_batches)``,
so configs give them with ``_partial_: true`` and leave ``total_steps`` out.
"""

from __future__ import annotations

import math
import time

from torch.optim import Optimizer
from torch.optim.lr_scheduler import LambdaLR


def warmup_cosine(
    optimizer: Optimizer,
    total_steps: int,
    warmup_fraction: float = 0.05,
    min_lr_ratio: float = 0.05,
    warmup_steps: int | None = None,
    seconds: float | None = None,
) -> LambdaLR:
    """Linear warm-up over ``warmup_fraction`` of the run (or ``warmup_steps``), then cosine
    decay to ``min_lr_ratio`` x the base learning rate at ``total_steps``.

    With ``seconds``, the decay ends at whichever comes first: ``total_steps``, or ``seconds``
    of wall-clock time after the warm-up. That is for runs with a time budget
    (``trainer.max_time``): give ``seconds`` a little under it, so the last steps train at the
    lowest rate. A resumed run starts its clock again.
    """
    if total_steps < 1:
        raise ValueError(f"total_steps must be >= 1, got {total_steps}")
    if not 0 <= warmup_fraction < 1:
        raise ValueError(f"warmup_fraction must be in [0, 1), got {warmup_fraction}")
    if not 0 <= min_lr_ratio <= 1:
        raise ValueError(f"min_lr_ratio must be in [0, 1], got {min_lr_ratio}")
    if seconds is not None and seconds <= 0:
        raise ValueError(f"seconds must be > 0 (or null: no time budget), got {seconds}")
    if warmup_steps is not None and warmup_steps < 0:
        raise ValueError(f"warmup_steps must be >= 0, got {warmup_steps}")
    warmup = max(1, round(warmup_fraction * total_steps) if warmup_steps is None else warmup_steps)
    started: list[float] = []

    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        progress = (step - warmup) / max(1, total_steps - warmup)
        if seconds is not None:
            if not started:
                started.append(time.monotonic())
            progress = max(progress, (time.monotonic() - started[0]) / seconds)
        progress = min(1.0, progress)
        return min_lr_ratio + (1 - min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * progress))

    return LambdaLR(optimizer, factor)
