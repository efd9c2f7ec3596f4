"""What each section measures and how long it times it: the full run and the ``--quick`` run.

The full run uses the shapes its targets are stated for (one conv: N=8, 64 -> 64 channels,
64x64, k=3, at stride 1 and 2; the upsamplers: the same batch and channels, 32x32 to 64x64; the
generator: 256x256, batch 8; inference: 256 and 512, batch 1; masks at 256x256). ``--quick``
keeps every section and every row but shrinks shapes and repeats so that it finishes in well
under a minute on 2 cores (a CI smoke test, not a measurement).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class TimingSettings:
    """Arguments of :func:`inpaint.benchmark.timing.time_interleaved` (see there)."""

    repeats: int
    warmup: int = 1
    min_repeats: int = 3
    budget_s: float = math.inf
    min_sample_s: float = 0.0

    def kwargs(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ConvSettings:
    """One conv of each variant: ``batch x channels x size x size`` in, ``channels`` out.

    The upsampling section maps ``size / 2`` to ``size``, against the ``kernel_size`` conv at
    stride 1.
    """

    batch: int
    channels: int
    size: int
    kernel_size: int
    strides: tuple[int, ...]
    timing: TimingSettings


@dataclass(frozen=True)
class TrainingSettings:
    """Training steps of the default generator of each block on ``batch`` crops of ``size``."""

    size: int
    batch: int
    timing: TimingSettings


@dataclass(frozen=True)
class InferenceSettings:
    """Batch-1 latency at each of ``sizes`` (square images)."""

    sizes: tuple[int, ...]
    timing: TimingSettings


@dataclass(frozen=True)
class MaskSettings:
    """Masks per second of each mask generator at ``size x size``."""

    size: int
    timing: TimingSettings


@dataclass(frozen=True)
class DataSettings:
    """Training samples per second: ``batches`` batches of ``batch`` crops of ``size`` from
    the CPU loader with each count of ``workers``, and from device batches (masks drawn from
    a bank of ``mask_bank``)."""

    size: int
    batch: int
    workers: tuple[int, ...]
    batches: int
    mask_bank: int


@dataclass(frozen=True)
class BenchmarkSettings:
    """All sections; ``seed`` fixes weights, images and masks."""

    convs: ConvSettings
    training: TrainingSettings
    inference: InferenceSettings
    masks: MaskSettings
    data: DataSettings
    seed: int = 0


FULL = BenchmarkSettings(
    convs=ConvSettings(
        batch=8,
        channels=64,
        size=64,
        kernel_size=3,
        strides=(1, 2),
        timing=TimingSettings(repeats=9, warmup=2, budget_s=60.0),
    ),
    training=TrainingSettings(
        size=256, batch=8, timing=TimingSettings(repeats=5, warmup=1, budget_s=120.0)
    ),
    inference=InferenceSettings(
        sizes=(256, 512), timing=TimingSettings(repeats=9, warmup=2, budget_s=30.0)
    ),
    masks=MaskSettings(size=256, timing=TimingSettings(repeats=9, warmup=3, min_sample_s=0.5)),
    data=DataSettings(size=256, batch=32, workers=(0, 1, 2), batches=12, mask_bank=1024),
)

QUICK = BenchmarkSettings(
    convs=ConvSettings(
        batch=1,
        channels=32,
        size=16,
        kernel_size=3,
        strides=(1, 2),
        timing=TimingSettings(repeats=2, min_repeats=1),
    ),
    training=TrainingSettings(size=16, batch=1, timing=TimingSettings(repeats=2, min_repeats=1)),
    inference=InferenceSettings(sizes=(32, 64), timing=TimingSettings(repeats=2, min_repeats=1)),
    masks=MaskSettings(size=256, timing=TimingSettings(repeats=2, min_sample_s=0.02)),
    data=DataSettings(size=64, batch=4, workers=(0, 1), batches=2, mask_bank=8),
)
