"""Which runs make up the variant study: every block with resize upsampling and every
upsampler with the standard block, each with the same seeds, one recipe per size."""

from __future__ import annotations

from dataclasses import dataclass

BLOCKS = (
    "standard",
    "dilated",
    "partial",
    "gated",
    "deformable",
    "deformable_v2",
    "fourier",
    "separable",
    "spatially_separable",
    "bottleneck",
)
UPSAMPLES = ("resize", "transposed", "pixelshuffle")
# the upsampling of the block runs (the shipped models'), and the block of the upsampler runs
BLOCK_RUNS_UPSAMPLE = "resize"
UPSAMPLE_RUNS_BLOCK = "standard"
# deformable convs only at 1/4 resolution and coarser, as in the shipped deformable model:
# everywhere they cost 6x a standard training step
BLOCK_OVERRIDES = {
    "deformable": ("model.generator.outer_levels=2",),
    "deformable_v2": ("model.generator.outer_levels=2",),
}
# size -> (experiment config, seeds)
SIZES = {
    "cpu": ("study", (0, 1)),
    "gpu": ("study_gpu", (0, 1, 2)),
}


@dataclass(frozen=True)
class StudyRun:
    """One training run of the study.

    Attributes:
        name: its folder under the study folder, e.g. ``gated-resize_seed1``.
        overrides: the command line of ``scripts/train.py`` that trains it.
    """

    name: str
    overrides: tuple[str, ...]


def study_runs(
    size: str,
    seeds: tuple[int, ...] | None = None,
    blocks: tuple[str, ...] = BLOCKS,
    upsamples: tuple[str, ...] = UPSAMPLES,
    extra_overrides: tuple[str, ...] = (),
) -> list[StudyRun]:
    """The study's runs at `size` (``cpu`` or ``gpu``), seed-major: every configuration with
    the first seed before any with the second, so an interrupted study has whole seeds.
    `extra_overrides` are appended to every run's command line (e.g. ``debug=tiny``)."""
    if size not in SIZES:
        raise ValueError(f"study size must be one of {sorted(SIZES)}, got {size!r}")
    unknown = [b for b in blocks if b not in BLOCKS] + [u for u in upsamples if u not in UPSAMPLES]
    if unknown:
        raise ValueError(f"unknown blocks or upsamplers {unknown}: expected {BLOCKS} / {UPSAMPLES}")
    experiment, default_seeds = SIZES[size]
    pairs = [(block, BLOCK_RUNS_UPSAMPLE) for block in blocks]
    if UPSAMPLE_RUNS_BLOCK in blocks:
        pairs += [(UPSAMPLE_RUNS_BLOCK, u) for u in upsamples if u != BLOCK_RUNS_UPSAMPLE]
    runs = []
    for seed in seeds if seeds is not None else default_seeds:
        for block, upsample in pairs:
            overrides = (
                f"experiment={experiment}",
                f"model/block={block}",
                f"model/upsample={upsample}",
                *BLOCK_OVERRIDES.get(block, ()),
                f"seed={seed}",
                *extra_overrides,
            )
            runs.append(StudyRun(f"{block}-{upsample}_seed{seed}", overrides))
    return runs
