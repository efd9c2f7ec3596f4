"""``inpaint-compare``: score every run of a sweep on the same held-out photos and masks,
group the runs by what they vary, and tabulate mean ± std over seeds with each group's cost.

    python scripts/train.py -m model/block=standard,gated seed=0,1      # a sweep
    inpaint-compare logs/multirun/<date>_<time>                         # the embedded photos
    inpaint-compare logs/study/cpu --root ../shared/datasets/bsds_train --val-count 32 --seed 0
    inpaint-compare --output-dir cmp logs/runs/a logs/runs/b            # any runs

Writes compare.md, compare.json, compare_pareto.png (PSNR against inference ms) and
compare_buckets.png (PSNR and fill sharpness per bucket) into --output-dir (default: the
first folder given), and the table as a TensorBoard text entry in <first folder>/compare/.
Each run's score is cached in <run>/compare_evaluation.json.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import tempfile
from pathlib import Path

from inpaint.evaluation.arguments import (
    add_sample_arguments,
    check_sample_arguments,
    describe_images,
)

NAMES = {
    "markdown": "compare.md",
    "json": "compare.json",
    "pareto": "compare_pareto.png",
    "buckets": "compare_buckets.png",
}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("folders", type=Path, nargs="+", help="sweep folders or run folders")
    add_sample_arguments(parser)
    parser.add_argument("--output-dir", type=Path, help="default: the first folder given")
    parser.add_argument(
        "--finished-only",
        action="store_true",
        help="leave out a sweep's runs that have not finished (else they are an error)",
    )
    parser.add_argument(
        "--timing-repeats", type=int, default=7, help="interleaved rounds of the inference timing"
    )
    args = parser.parse_args(argv)
    check_sample_arguments(parser, args)
    if args.timing_repeats < 1:
        parser.error(f"--timing-repeats must be >= 1, got {args.timing_repeats}")
    return args


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    # imported once the arguments are valid: --help and argument errors come back at once
    import torch
    from tqdm import tqdm

    from inpaint.cli.errors import exit_on
    from inpaint.compare.charts import bucket_chart, pareto_chart
    from inpaint.compare.cost import measure_costs
    from inpaint.compare.evaluation import export_final_weights, score_run
    from inpaint.compare.report import json_report, markdown_report
    from inpaint.compare.result import group_results
    from inpaint.compare.runs import SweepError, check_comparable, find_runs, group_runs
    from inpaint.compare.tensorboard import write_tensorboard_text
    from inpaint.evaluation.images import load_square, select_files
    from inpaint.inference import load_pretrained
    from inpaint.inference.inpainter import pick_device
    from inpaint.utils import DiskFullError, atomic_write

    out = args.output_dir or args.folders[0]
    settings = {
        "root": None if args.root is None else str(args.root),
        "val_count": args.val_count,
        "seed": args.seed,
        "size": args.size,
        "fit": args.fit,
        "masks_per_bucket": args.masks_per_bucket,
        "mask_seed": args.mask_seed,
        "batch_size": args.batch_size,
    }
    try:
        device = pick_device(args.device)
        runs, unfinished = find_runs(args.folders, args.finished_only)
        check_comparable(runs)
        groups = group_runs(runs)
        files = select_files(args.root, args.val_count, args.seed)
        images = [load_square(f, args.size, args.fit) for f in tqdm(files, desc="images")]
        scores, generators, rates = {}, {}, {}
        with tempfile.TemporaryDirectory() as weights_dir:
            for label, members in groups.items():
                scores[label] = []
                for run in tqdm(members, desc=label):
                    weights = export_final_weights(run, Path(weights_dir))
                    metrics = score_run(run, weights, images, settings, str(device))
                    scores[label].append((run.name, run.seed, metrics))
                generators[label] = load_pretrained(weights, device="cpu").generator
                rates[label] = [run.train_images_per_s() for run in members]
        costs = measure_costs(generators, rates, args.size, device, args.timing_repeats)
    except (SweepError, FileNotFoundError, ValueError, DiskFullError) as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)

    results = group_results(scores, costs)
    command = shlex.join(["inpaint-compare", *argv])
    per_bucket = args.masks_per_bucket * len(files)
    description = (
        f"{len(runs)} runs in {len(results)} configurations, each run's final weights "
        f"(checkpoints/last.ckpt) scored on {describe_images(args, len(files))}, "
        f"{args.fit} to {args.size}x{args.size}, with {args.masks_per_bucket} fixed "
        f"free-form masks (seed {args.mask_seed}) per image in each hole-ratio bucket "
        f"({per_bucket} samples per bucket), as inpaint-evaluate scores them. Inference: "
        f"one forward pass of a batch of one on {device.type} "
        f"({torch.get_num_threads()} threads), median of {args.timing_repeats} interleaved "
        "rounds; training images/s: the median of each run's logged per-step rate, averaged "
        "over seeds."
    )
    if unfinished:
        description += f" Left out, not finished: {', '.join(p.name for p in unfinished)}."
    charts = [
        ("Held-out PSNR against inference time, one point per configuration", NAMES["pareto"]),
        ("PSNR and fill sharpness per hole-ratio bucket", NAMES["buckets"]),
    ]
    report = markdown_report(results, description, command, args.size, charts)
    settings |= {"files": [str(f) for f in files], "command": command, "device": device.type}
    with exit_on(DiskFullError):
        out.mkdir(parents=True, exist_ok=True)
        for key, image in (
            ("pareto", pareto_chart(results, args.size)),
            ("buckets", bucket_chart(results)),
        ):
            with atomic_write(out / NAMES[key], "wb") as file:
                image.save(file, format="PNG")
        with atomic_write(out / NAMES["markdown"], "w") as file:
            file.write(report)
        with atomic_write(out / NAMES["json"], "w") as file:
            json.dump(json_report(results, settings), file, indent=2)
    board = write_tensorboard_text(args.folders[0], report)  # beside the runs' curves
    for group in results:
        psnr = group.metrics["all"]["psnr"]
        print(f"{group.label:>48}: PSNR {psnr.format('{:.2f}')} dB over seeds {group.seeds}")
    print(f"wrote {', '.join(str(out / n) for n in NAMES.values())} and {board}")


if __name__ == "__main__":
    main()
