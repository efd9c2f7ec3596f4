"""What a configuration costs: parameters, forward GFLOPs and inference time at one size,
and the training throughput its runs recorded."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

import torch

from inpaint.benchmark.timing import time_interleaved
from inpaint.layers import count_params
from inpaint.layers.arithmetic import count_flops
from inpaint.models import UNetGenerator


@dataclass(frozen=True)
class Cost:
    """params: the generator's; gflops: forward GFLOPs of one size x size image
    (`count_flops`: 2 per MAC); inference_ms: median ms of one forward pass of a batch of
    one, timed in interleaved rounds with every other configuration; train_images_per_s: the
    mean over the group's runs of their training images/s (None if none recorded it)."""

    params: int
    gflops: float
    inference_ms: float
    train_images_per_s: float | None

    def as_dict(self) -> dict:
        return asdict(self)


def measure_costs(
    generators: Mapping[str, UNetGenerator],
    train_images_per_s: Mapping[str, Sequence[float | None]],
    size: int,
    device: torch.device,
    repeats: int = 7,
) -> dict[str, Cost]:
    """Label -> Cost for every generator (in eval mode, channels-last on `device`), timed
    in the same process and interleaved so the machine's drift is spread over all alike."""
    image = torch.rand(1, 3, size, size, device=device).contiguous(
        memory_format=torch.channels_last
    )
    known = (torch.rand(1, 1, size, size, device=device) > 0.3).float()
    prepared = {
        label: g.eval().to(device, memory_format=torch.channels_last)
        for label, g in generators.items()
    }

    def forward(generator: UNetGenerator):
        def call() -> None:
            with torch.inference_mode():
                generator(image, known)

        return call

    sync = torch.cuda.synchronize if device.type == "cuda" else lambda: None
    timings = time_interleaved(
        {label: forward(g) for label, g in prepared.items()}, repeats, warmup=2, sync=sync
    )
    costs = {}
    for label, generator in prepared.items():
        rates = [r for r in train_images_per_s.get(label, ()) if r is not None]
        costs[label] = Cost(
            params=count_params(generator),
            gflops=count_flops(generator, (1, 3, size, size), (1, 1, size, size)) / 1e9,
            inference_ms=1000 * timings[label].median,
            train_images_per_s=statistics.fmean(rates) if rates else None,
        )
    return costs
