"""The command-line arguments that choose the evaluation's photos and masks, shared by
``inpaint-evaluate`` and ``inpaint-compare`` so both score on the same samples."""

from __future__ import annotations

import argparse
from pathlib import Path

from inpaint.data.sample_photos import VAL_PHOTOS


def add_sample_arguments(parser: argparse.ArgumentParser) -> None:
    """--root/--val-count/--seed/--size/--fit, --masks-per-bucket/--mask-seed,
    --batch-size and --device."""
    images = parser.add_argument_group("images (default: the held-out embedded sample photos)")
    images.add_argument("--root", type=Path, help="a folder of images (searched recursively)")
    images.add_argument(
        "--val-count",
        type=int,
        help="evaluate only the images a training run with data.root=<root> holds out",
    )
    images.add_argument("--seed", type=int, default=0, help="the split's seed (data.seed)")
    images.add_argument("--size", type=int, default=256, help="side of the square images")
    images.add_argument(
        "--fit",
        choices=("resize", "crop"),
        default="resize",
        help="resize: shorter side to --size, then centre crop (as training's validation); "
        "crop: centre crop at full resolution",
    )
    masks = parser.add_argument_group("masks")
    masks.add_argument("--masks-per-bucket", type=int, default=2, help="per image and bucket")
    masks.add_argument("--mask-seed", type=int, default=0)
    parser.add_argument("--batch-size", type=int, default=8, help="images per network call")
    parser.add_argument("--device", default="auto", help="auto | cpu | cuda")


def check_sample_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """argparse's error (exit 2) for a size, mask count or batch size below 1."""
    for name in ("size", "masks_per_bucket", "batch_size"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be >= 1, got {getattr(args, name)}")


def describe_images(args: argparse.Namespace, count: int) -> str:
    """Which photos were scored, in words."""
    if args.root is None:
        return f"the {count} held-out photos of the embedded samples ({', '.join(VAL_PHOTOS)})"
    if args.val_count is None:
        return f"all {count} images under `{args.root}`"
    return (
        f"the {count} images held out from `{args.root}` by a training run with "
        f"`data.root` = that folder, `data.val_count={args.val_count}`, `data.seed={args.seed}`"
    )
