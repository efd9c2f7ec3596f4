"""Section 3a: the training step of the default generator of every block, and how close the
``standard`` step comes to the speed of its own convolutions.

A training step is what ``InpaintModule.training_step`` does without a discriminator (the
default ``gan=none``), on one batch already in memory: the module's own
``InpaintModule.generator_loss`` (generator forward, composite, ``InpaintLoss``), then
``zero_grad(set_to_none=True)``, backward, gradient-norm clipping (the config's
``gradient_clip_norm``) and the optimizer's step (Adam), with the module's channels-last
generator. Lightning's loop, logging and the finiteness check are left out.

Kernel efficiency: the nominal FLOP/s of the ``standard`` step (FLOPs counted by
``FlopCounterMode`` over forward, losses and backward, divided by the step's time) as a
percentage of the nominal FLOP/s of a lone ``nn.Conv2d`` forward+backward at the shape of the
generator's heaviest conv (most FLOPs; the first in forward order on a tie), channels-last, its
input requiring a gradient. Both are timed in the same interleaved rounds, with ``torch.mm``
(square float32 matrices) as a GEMM reference.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import torch
from omegaconf import DictConfig
from torch import Tensor, nn
from torch.utils.flop_counter import FlopCounterMode

from inpaint.benchmark.profiling import profile_call
from inpaint.benchmark.settings import TrainingSettings
from inpaint.benchmark.timing import paired_ratio, time_interleaved
from inpaint.layers import count_flops, count_params
from inpaint.layers.arithmetic import FLOP_FORMULAS
from inpaint.models import InpaintModule
from inpaint.training.run import build_module

REFERENCE = "standard"
COMPILED = f"{REFERENCE} compiled"
KERNEL = "nn.Conv2d (heaviest conv)"
GEMM = "torch.mm"
MM_SIZE = 1024


def training_step(module: InpaintModule, images: Tensor, masks: Tensor) -> Callable[[], None]:
    """One generator training step of ``module`` on a fixed batch (see the module docstring).

    Shapes: images [N, 3, H, W] in [0, 1], masks [N, 1, H, W] (1 = known).
    """
    if module.discriminator is not None:
        raise ValueError("the training benchmark times the generator-only step (gan=none)")
    parameters, clip = list(module.generator.parameters()), module.gradient_clip_norm
    optimizer = module.optimizer_factory(parameters)

    def step() -> None:
        total = module.generator_loss(images, masks).total
        optimizer.zero_grad(set_to_none=True)
        total.backward()
        if clip:
            nn.utils.clip_grad_norm_(parameters, clip)
        optimizer.step()

    return step


def counted_flops(fn: Callable[[], object]) -> int:
    """FLOPs of one call of ``fn`` as ``FlopCounterMode`` counts them (2 per MAC, deformable
    sampling by ``inpaint.layers.arithmetic.FLOP_FORMULAS``)."""
    counter = FlopCounterMode(display=False, custom_mapping=FLOP_FORMULAS)
    with counter:
        fn()
    return counter.get_total_flops()


def heaviest_conv(generator: nn.Module, images: Tensor, masks: Tensor) -> tuple[nn.Conv2d, tuple]:
    """The ``nn.Conv2d`` of ``generator`` with the most forward FLOPs, and its input shape."""
    found: list[tuple[int, nn.Conv2d, tuple]] = []

    def record(module: nn.Conv2d, inputs: tuple, output: Any) -> None:
        out = output[0] if isinstance(output, tuple) else output
        kh, kw = module.kernel_size
        macs = out.numel() * (module.in_channels // module.groups) * kh * kw
        found.append((2 * macs, module, tuple(inputs[0].shape)))

    convs = [m for m in generator.modules() if isinstance(m, nn.Conv2d)]
    hooks = [m.register_forward_hook(record) for m in convs]
    try:
        with torch.no_grad():
            generator(images, masks)
    finally:
        for hook in hooks:
            hook.remove()
    _, module, shape = max(found, key=lambda item: item[0])
    return module, shape


def _lone_conv(like: nn.Conv2d, shape: tuple, device: torch.device) -> tuple[Callable, dict]:
    conv = nn.Conv2d(
        like.in_channels,
        like.out_channels,
        like.kernel_size,
        like.stride,
        like.padding,
        like.dilation,
        like.groups,
        like.bias is not None,
    ).to(device, memory_format=torch.channels_last)
    x = torch.randn(shape, device=device).contiguous(memory_format=torch.channels_last)
    x.requires_grad_(True)
    grad = torch.randn_like(conv(x))

    def run() -> None:
        conv.zero_grad(set_to_none=True)
        x.grad = None
        conv(x).backward(grad)

    description = {
        "input_shape": list(shape),
        "out_channels": like.out_channels,
        "kernel_size": list(like.kernel_size),
        "stride": list(like.stride),
        "dilation": list(like.dilation),
    }
    return run, description


def _mm(device: torch.device) -> Callable[[], None]:
    a = torch.randn(MM_SIZE, MM_SIZE, device=device)
    b = torch.randn(MM_SIZE, MM_SIZE, device=device)
    return lambda: torch.mm(a, b)


def benchmark_training(
    configs: Mapping[str, DictConfig],
    images: Tensor,
    masks: Tensor,
    settings: TrainingSettings,
    device: torch.device,
    seed: int,
    sync: Callable[[], None],
    profile_rows: int = 0,
    compiled: bool = False,
) -> dict[str, Any]:
    """Training steps of every block, and the kernel efficiency of the ``standard`` step.

    Args:
        configs: block name -> composed training config; must include ``standard``.
        images, masks: the batch, Tensor[batch, 3, size, size] and Tensor[batch, 1, size, size].
        settings: size, batch and timing (for the record; the batch is given).
        device: where to run.
        seed: seeds the weights.
        sync: called around each timed sample.
        profile_rows: when > 0, also profile one ``standard`` step after the timings and
            keep its ``profile_rows`` most expensive operators under ``"profile"``.
        compiled: also time the ``standard`` step with its generator under ``torch.compile``
            (row ``standard compiled``, compile time apart, and its efficiency as
            ``compiled_percent_of_kernel``).

    Returns:
        ``{"rows": [{block, params, gflops_per_image, step_ms, images_per_s, time_ratio,
        repeats}], "efficiency": {...}}`` (and ``"profile"``, see
        :func:`inpaint.benchmark.profiling.profile_call`).
    """
    if REFERENCE not in configs:
        raise ValueError(f"the training benchmark needs the {REFERENCE!r} block as reference")
    images, masks = images.to(device), masks.to(device)
    batch, _, height, width = images.shape
    cases: dict[str, Callable[[], None]] = {}
    counts: dict[str, tuple[int, int]] = {}
    for name, cfg in configs.items():
        torch.manual_seed(seed)
        module = build_module(cfg).to(device)
        generator = module.generator
        cases[name] = training_step(module, images, masks)
        flops = count_flops(generator, (1, 3, height, width), (1, 1, height, width))
        counts[name] = (count_params(generator), flops)
        if name == REFERENCE:
            step_flops = counted_flops(cases[name])
            like, shape = heaviest_conv(generator, images, masks)
    if compiled:
        torch.manual_seed(seed)
        module = build_module(configs[REFERENCE]).to(device)
        module.generator.compile()
        cases[COMPILED] = training_step(module, images, masks)
        counts[COMPILED] = counts[REFERENCE]
        start = time.perf_counter()
        cases[COMPILED]()  # compiles forward and backward
        sync()
        compile_s = time.perf_counter() - start
    cases[KERNEL], kernel = _lone_conv(like, shape, device)
    cases[GEMM] = _mm(device)
    kernel_flops = counted_flops(cases[KERNEL])
    timings = time_interleaved(cases, sync=sync, **settings.timing.kwargs())

    reference = timings[REFERENCE]
    rows = []
    for name, (params, flops) in counts.items():
        timing = timings[name]
        rows.append(
            {
                "block": name,
                "params": params,
                "gflops_per_image": flops / 1e9,
                "step_ms": timing.median * 1e3,
                "images_per_s": batch / timing.median,
                "time_ratio": paired_ratio(timing, reference),
                "repeats": timing.repeats,
            }
        )
    step_rate = step_flops / reference.median
    kernel_rate = kernel_flops / timings[KERNEL].median
    percent = 100 * step_flops / kernel_flops / paired_ratio(reference, timings[KERNEL])
    efficiency = {
        "step_flops": step_flops,
        "step_gflops_per_s": step_rate / 1e9,
        "kernel": kernel,
        "kernel_flops": kernel_flops,
        "kernel_gflops_per_s": kernel_rate / 1e9,
        "percent_of_kernel": percent,
        "mm_size": MM_SIZE,
        "mm_gflops_per_s": 2 * MM_SIZE**3 / timings[GEMM].median / 1e9,
    }
    if compiled:
        compiled_ratio = paired_ratio(timings[COMPILED], timings[KERNEL])
        efficiency["compiled_percent_of_kernel"] = 100 * step_flops / kernel_flops / compiled_ratio
        efficiency["compile_s"] = compile_s
    result = {"rows": rows, "efficiency": efficiency}
    if profile_rows > 0:
        result["profile"] = profile_call(cases[REFERENCE], profile_rows)
    return result
