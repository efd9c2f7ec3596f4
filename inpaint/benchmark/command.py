"""``python scripts/benchmark.py``: the cost of every conv variant, of every upsampler, of training
and of inference.

Prints markdown tables (with PASS / MISS for each target in `targets.py`) and writes every number
to JSON::

    python scripts/benchmark.py                          # full run (long on a CPU)
    python scripts/benchmark.py --quick                  # small shapes, seconds (CI smoke test)
    python scripts/benchmark.py --sections convs masks   # some sections only
    python scripts/benchmark.py --sections upsampling    # the decoder's upsamplers
    python scripts/benchmark.py --sections data          # samples/s of the training data path
    python scripts/benchmark.py --json out.json --markdown out.md --profile
    python scripts/benchmark.py --sections convs --compile   # eager and torch.compile side by side

All sections run in one process; within a section the variants are timed in interleaved
rounds and compared with ``standard`` round by round (see ``inpaint.benchmark.timing``).
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf

from inpaint.benchmark.configs import block_names, compose_train_configs, mask_configs
from inpaint.benchmark.convs import benchmark_convs
from inpaint.benchmark.data_pipeline import benchmark_data
from inpaint.benchmark.inference import benchmark_inference, inference_models
from inpaint.benchmark.inputs import known_masks, random_images
from inpaint.benchmark.machine import describe_machine, load_average
from inpaint.benchmark.masks import benchmark_masks
from inpaint.benchmark.memory import memory_method
from inpaint.benchmark.report import render_markdown
from inpaint.benchmark.settings import FULL, QUICK, BenchmarkSettings
from inpaint.benchmark.targets import evaluate_targets
from inpaint.benchmark.training import benchmark_training
from inpaint.benchmark.upsampling import benchmark_upsampling
from inpaint.data import MaskGenerator
from inpaint.utils import ConfigError

REFERENCE = "standard"
DEFAULT_JSON = Path("logs/benchmark.json")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="benchmark.py",
        description="Benchmark every conv variant, every upsampler, the training step, "
        "inference and mask generation; print markdown tables and write JSON.",
    )
    parser.add_argument(
        "--quick", action="store_true", help="small shapes and few repeats (smoke test)"
    )
    parser.add_argument(
        "--json", type=Path, default=DEFAULT_JSON, help=f"JSON output (default: {DEFAULT_JSON})"
    )
    parser.add_argument("--markdown", type=Path, help="also write the markdown tables here")
    parser.add_argument(
        "--sections", nargs="+", choices=SECTIONS, default=list(SECTIONS), help="what to run"
    )
    parser.add_argument(
        "--blocks",
        nargs="+",
        help="model/block options to compare (default: all; "
        "standard, the reference, is always included)",
    )
    parser.add_argument(
        "--override",
        nargs="+",
        default=[],
        metavar="KEY=VALUE",
        help="Hydra overrides for every block's training config, e.g. model/upsample=resize",
    )
    parser.add_argument("--device", default="cpu", help="cpu (default) or cuda[:index]")
    parser.add_argument(
        "--threads",
        type=int,
        help="torch.set_num_threads for the run (default: torch's own, but 1 with --quick: "
        "at tiny shapes thread synchronisation, not arithmetic, would be timed)",
    )
    parser.add_argument(
        "--compile",
        action="store_true",
        help="also time every conv, every upsampler and the standard training step under "
        "torch.compile (compile time reported apart)",
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="ROWS",
        help="profile one standard training step and list its ROWS most expensive operators",
    )
    return parser.parse_args(argv)


def _log(message: str) -> None:
    print(f"[benchmark] {message}", file=sys.stderr, flush=True)


def _blocks(requested: Sequence[str] | None) -> list[str]:
    known = block_names()
    if not requested:
        return known
    unknown = sorted(set(requested) - set(known))
    if unknown:
        raise ValueError(f"unknown model/block {unknown}; known: {known}")
    return [b for b in known if b == REFERENCE or b in requested]


@dataclass
class _Run:
    """What every section needs: settings, device, seed, composed configs, mask generator."""

    settings: BenchmarkSettings
    device: torch.device
    configs: dict[str, DictConfig]
    mask_generator: MaskGenerator
    profile_rows: int
    compiled: bool = False

    @property
    def seed(self) -> int:
        return self.settings.seed

    def sync(self) -> None:
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)


def _convs(run: _Run) -> dict[str, Any]:
    s = run.settings.convs
    blocks = {
        b: OmegaConf.to_container(c.model.block, resolve=True) for b, c in run.configs.items()
    }
    masks = known_masks(run.mask_generator, s.batch, s.size, run.seed)
    rows = benchmark_convs(blocks, masks, s, run.device, run.seed, run.sync, run.compiled)
    return {"settings": asdict(s), "memory_method": memory_method(run.device), "rows": rows}


def _upsampling(run: _Run) -> dict[str, Any]:
    s = run.settings.convs
    reference = OmegaConf.to_container(run.configs[REFERENCE].model.block, resolve=True)
    masks = known_masks(run.mask_generator, s.batch, s.size, run.seed)
    rows = benchmark_upsampling(reference, masks, s, run.device, run.seed, run.sync, run.compiled)
    settings = {key: value for key, value in asdict(s).items() if key != "strides"}
    return {"settings": settings, "memory_method": memory_method(run.device), "rows": rows}


def _training(run: _Run) -> dict[str, Any]:
    s = run.settings.training
    images = random_images(s.batch, s.size, run.seed)
    masks = known_masks(run.mask_generator, s.batch, s.size, run.seed)
    section = benchmark_training(
        run.configs,
        images,
        masks,
        s,
        run.device,
        run.seed,
        run.sync,
        run.profile_rows,
        run.compiled,
    )
    return {"settings": asdict(s), **section}


def _inference(run: _Run) -> dict[str, Any]:
    s = run.settings.inference
    models, kind = inference_models(run.configs, run.device, run.seed)
    images = {size: random_images(1, size, run.seed) for size in s.sizes}
    masks = {size: known_masks(run.mask_generator, 1, size, run.seed) for size in s.sizes}
    reference = f"fresh {REFERENCE}"
    rows = benchmark_inference(models, images, masks, s, run.sync, reference)
    return {"settings": asdict(s), "models": kind, "reference": reference, "rows": rows}


def _masks(run: _Run) -> dict[str, Any]:
    s = run.settings.masks
    return {"settings": asdict(s), "rows": benchmark_masks(mask_configs(), s, run.seed)}


def _data(run: _Run) -> dict[str, Any]:
    s = run.settings.data
    return {"settings": asdict(s), "rows": benchmark_data(s, run.device, run.sync)}


RUNNERS = {
    "convs": _convs,
    "upsampling": _upsampling,
    "training": _training,
    "inference": _inference,
    "masks": _masks,
    "data": _data,
}
SECTIONS = tuple(RUNNERS)


def run_benchmark(
    settings: BenchmarkSettings,
    sections: Sequence[str],
    blocks: Sequence[str],
    device: torch.device,
    profile_rows: int = 0,
    overrides: Sequence[str] = (),
    compiled: bool = False,
) -> dict[str, Any]:
    """Run the chosen sections (in the order of ``SECTIONS``) for ``blocks``, each block's
    training config composed with ``overrides`` (e.g. ``["model/upsample=resize"]``);
    ``compiled`` adds ``torch.compile`` timings to the conv and upsampling sections.

    Returns:
        ``{"machine": {...}, <section>: {"settings": {...}, "rows": [...], ...}}``; the
        command line, timings and targets are added by :func:`main`.
    """
    configs = compose_train_configs(blocks, overrides)
    mask_generator = instantiate(configs[REFERENCE].mask)
    run = _Run(settings, device, configs, mask_generator, profile_rows, compiled)
    results: dict[str, Any] = {"machine": describe_machine(device)}
    for name, runner in RUNNERS.items():
        if name in sections:
            start = time.perf_counter()
            _log(f"{name} ...")
            results[name] = runner(run)
            _log(f"{name}: {time.perf_counter() - start:.0f} s")
    results["machine"]["load_average_end"] = load_average()
    return results


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run, print the markdown tables, write the JSON; returns the results."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise SystemExit("benchmark.py: --device cuda asked for, but CUDA is not available")
    try:
        blocks = _blocks(args.blocks)
    except ValueError as error:
        raise SystemExit(f"benchmark.py: {error}") from error
    threads = torch.get_num_threads()
    if args.threads is not None or args.quick:
        torch.set_num_threads(args.threads or 1)
    start = time.perf_counter()
    try:
        settings = QUICK if args.quick else FULL
        results = run_benchmark(
            settings, args.sections, blocks, device, args.profile, args.override, args.compile
        )
    except ConfigError as error:
        raise SystemExit(f"benchmark.py: {error}") from error
    finally:
        torch.set_num_threads(threads)  # main() may run inside a longer-lived process
    results["command"] = shlex.join(["python", "scripts/benchmark.py", *argv])
    results["mode"] = "quick" if args.quick else "full"
    results["seconds"] = time.perf_counter() - start
    results["targets"] = evaluate_targets(results)
    markdown = render_markdown(results)
    print(markdown, end="")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n")
    if args.markdown is not None:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(markdown)
    _log(f"done in {results['seconds']:.0f} s; JSON: {args.json}")
    return results
