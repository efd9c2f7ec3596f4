"""``inpaint-evaluate`` / ``python scripts/evaluate.py``: pretrained models against classical
inpainting (OpenCV Telea and Navier-Stokes) on fixed masks per hole-ratio bucket.

    inpaint-evaluate                                   # held-out sample photos, shipped models
    inpaint-evaluate --root ../shared/datasets/bsds_train --val-count 32 --seed 0 \\
        --output-dir docs                               # the held-out BSDS photos (docs table)
    inpaint-evaluate --models gated my_run.safetensors --no-baselines

Writes <output-dir>/results.md (tables), results.json (numbers and settings),
results_chart.png (PSNR and SSIM per bucket) and results_examples.png (one example per bucket).
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

from inpaint.cli.errors import exit_on
from inpaint.evaluation.arguments import (
    add_sample_arguments,
    check_sample_arguments,
    describe_images,
)
from inpaint.model_cards import available_models
from inpaint.utils import DiskFullError, atomic_write

NAMES = {
    "markdown": "results.md",
    "json": "results.json",
    "chart": "results_chart.png",
    "grid": "results_examples.png",
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_sample_arguments(parser)
    methods = parser.add_argument_group("methods")
    methods.add_argument(
        "--models",
        nargs="*",
        default=None,
        help=f"shipped names {available_models()} or .safetensors paths (default: all shipped)",
    )
    methods.add_argument("--no-baselines", action="store_true", help="skip OpenCV")
    methods.add_argument("--opencv-radius", type=int, default=3, help="cv2.inpaint's radius")
    parser.add_argument("--output-dir", type=Path, default=Path("evaluation"))
    args = parser.parse_args(argv)
    check_sample_arguments(parser, args)
    if args.opencv_radius < 1:
        parser.error(f"--opencv-radius must be >= 1, got {args.opencv_radius}")
    return args


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    # imported once the arguments are valid: --help and argument errors come back at once
    import torch
    from tqdm import tqdm

    from inpaint.evaluation.baselines import opencv_baselines
    from inpaint.evaluation.chart import metric_chart
    from inpaint.evaluation.grid import example_grid
    from inpaint.evaluation.images import load_square, select_files
    from inpaint.evaluation.methods import NetworkMethod
    from inpaint.evaluation.report import json_report, markdown_report
    from inpaint.evaluation.runner import ALL, evaluate
    from inpaint.inference.inpainter import pick_device

    notes = []
    try:
        files = select_files(args.root, args.val_count, args.seed)
        images = [load_square(f, args.size, args.fit) for f in tqdm(files, desc="images")]
        names = available_models() if args.models is None else args.models
        if not names:
            notes.append("no pretrained model evaluated (none shipped in inpaint/weights yet)")
        methods = [NetworkMethod(name, device=args.device) for name in names]
        if not args.no_baselines:
            baselines, why_not = opencv_baselines(args.opencv_radius)
            methods += baselines
            notes += [why_not] if why_not else []
        if not methods:
            raise ValueError("nothing to evaluate: no models and no OpenCV baselines")
        result = evaluate(
            methods,
            images,
            masks_per_bucket=args.masks_per_bucket,
            seed=args.mask_seed,
            batch_size=args.batch_size,
            progress=True,
        )
    except (FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)

    device = pick_device(args.device)
    per_bucket = result.counts[result.buckets[0]]
    description = (
        f"{describe_images(args, len(files))}, {args.fit} to {args.size}x{args.size}; "
        f"{args.masks_per_bucket} fixed free-form masks (DeepFill v2 strokes, seed "
        f"{args.mask_seed}) per image in each hole-ratio bucket, {per_bucket} samples per "
        "bucket. L1, PSNR and SSIM (`inpaint.metrics.per_image_metrics`, as in "
        "training's validation) and fill sharpness (`inpaint.metrics.sharpness`: mean Sobel "
        "gradient magnitude of the luminance in the hole, 2 px from its edge left out, over "
        "the photo's) are computed on the 8-bit composite (known pixels from the image, "
        "holes from the method) and averaged over samples; the best per column is in "
        f"bold. Speed: wall time per image on {device.type} ({torch.get_num_threads()} threads), "
        f"networks in batches of {args.batch_size}."
    )
    command = shlex.join(["inpaint-evaluate", *argv])
    out = args.output_dir
    settings = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
    settings |= {"files": [str(f) for f in files], "command": command, "notes": notes}
    report = markdown_report(result, description, command, NAMES["chart"], NAMES["grid"], notes)
    with exit_on(DiskFullError):
        out.mkdir(parents=True, exist_ok=True)
        for key, image in (("chart", metric_chart(result)), ("grid", example_grid(result))):
            with atomic_write(out / NAMES[key], "wb") as file:
                image.save(file, format="PNG")
        with atomic_write(out / NAMES["markdown"], "w") as file:
            file.write(report)
        with atomic_write(out / NAMES["json"], "w") as file:
            json.dump(json_report(result, settings), file, indent=2)
    for name, metrics in result.metrics.items():
        print(
            f"{name:>16}: PSNR {metrics[ALL]['psnr']:.2f} dB, SSIM {metrics[ALL]['ssim']:.4f}, "
            f"sharpness {metrics[ALL]['sharpness']:.3f}, "
            f"{result.ms_per_image[name]:.1f} ms/image"
        )
    print(*notes, f"wrote {', '.join(str(out / n) for n in NAMES.values())}", sep="\n")


if __name__ == "__main__":
    main()
