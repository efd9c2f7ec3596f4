"""``inpaint-predict`` / ``python scripts/predict.py``: inpaint one image or a folder.

    inpaint-predict --image photo.png --mask photo_mask.png --out filled.png --model partial
    inpaint-predict --input-dir D --output-dir O --batch-size 8
    inpaint-predict --image photo.png --mask photo_mask.png --out filled.png \\
        --backend onnxruntime --model exports/fourier.onnx

Masks are files: 255 (white) = hole, 0 = known. A folder follows LaMa's naming, searched
recursively: ``name.png`` with ``name_mask.png`` -> ``O/name.png``; several masks per image as
``name_mask001.png``, ``name_mask002.png`` -> ``O/name001.png``, ``O/name002.png`` (any image
extension; sub-folders are kept). Images of the same size are inpainted in batches of
``--batch-size``. In a folder, a file that cannot be read is reported and skipped; the exit
status is 2 if any was. Photos are read upright (EXIF orientation applied), so masks line up
with the photo as viewers show it. An output never replaces one of the inputs unless
``--overwrite`` is given.

Images larger than 768 px are inpainted in crops around their holes (``--strategy auto``):
time follows the hole area and memory stays bounded. Transparent images keep their alpha
(``--alpha keep``, saved as RGBA where the format has alpha) or have their fully transparent
pixels filled (``--alpha hole``).

``--backend onnxruntime`` runs an ``.onnx`` file written by ``inpaint-export`` (the onnx
extra: pip install -e ".[onnx]") with the same padding, crops and compositing; a shipped
model's name is refused with the command that exports it.
"""

from __future__ import annotations

import argparse
import re
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image

from inpaint.data.conventions import check_mask_aspect
from inpaint.data.image_io import (
    DEFAULT_MAX_PIXELS,
    IMAGE_EXTENSIONS,
    MEMORY_PER_PIXEL,
    ImageReadError,
    open_image,
    opened,
)
from inpaint.inference.onnx_extra import OnnxExtraMissingError
from inpaint.inference.options import ALPHA_RULES, BACKENDS, STRATEGIES, WORKING_SIZE
from inpaint.model_cards import available_models, default_model
from inpaint.utils import DiskFullError, atomic_write

if TYPE_CHECKING:  # torch is imported when work starts, so --help and argument errors are fast
    from inpaint.inference.inpainter import Inpainter


MASK_TAG = "_mask"
MASK_STEM = re.compile(rf"(?P<name>.+){MASK_TAG}(?P<suffix>\d*)")


@dataclass(frozen=True)
class Job:
    """One image + mask -> output file."""

    image: Path
    mask: Path
    out: Path


def folder_jobs(input_dir: Path, output_dir: Path) -> list[Job]:
    """Jobs for every ``name_mask.ext`` / ``name_mask<digits>.ext`` under `input_dir` whose
    image ``name.ext`` (any image extension) is in the same folder."""
    if not input_dir.is_dir():
        raise FileNotFoundError(f"input folder not found: {input_dir}")
    files = sorted(
        p for p in input_dir.rglob("*") if p.suffix.lower() in IMAGE_EXTENSIONS and p.is_file()
    )
    matches = {p: MASK_STEM.fullmatch(p.stem) for p in files}
    images = {p.with_suffix(""): p for p in files if matches[p] is None}
    jobs = []
    for mask, match in matches.items():
        image = images.get(mask.with_name(match["name"])) if match else None
        if image is not None:
            name = f"{match['name']}{match['suffix']}.png"
            jobs.append(Job(image, mask, output_dir / image.relative_to(input_dir).with_name(name)))
    if not jobs:
        raise FileNotFoundError(
            f"no image + mask pairs in {input_dir}: expected name.png with name{MASK_TAG}.png "
            f"(or name{MASK_TAG}001.png, ...; extensions {', '.join(IMAGE_EXTENSIONS)})"
        )
    return jobs


def overwritten_inputs(jobs: list[Job]) -> list[Path]:
    """Input files (images or masks) that some job's output would replace."""
    inputs = {path.resolve() for job in jobs for path in (job.image, job.mask)}
    return sorted(job.out for job in jobs if job.out.resolve() in inputs)


def save_image(image: Image.Image, path: Path) -> None:
    """Write `image` atomically in the format named by `path`'s extension (an alpha channel is
    dropped, with a warning, for formats without one, such as JPEG)."""
    file_format = Image.registered_extensions().get(path.suffix.lower())
    if file_format is None:
        raise ValueError(f"cannot tell the image format of {path} from its extension")
    if image.mode == "RGBA" and file_format in ("JPEG", "BMP"):
        warnings.warn(f"{path}: {file_format} has no alpha channel; saving RGB", stacklevel=2)
        image = image.convert("RGB")
    with atomic_write(path, "wb") as file:
        image.save(file, format=file_format)


def image_size(path: Path, max_pixels: int | None) -> tuple[int, int]:
    """(width, height) from the file's header, without decoding the pixels; ImageReadError
    for an unreadable header or more than `max_pixels` pixels."""
    with opened(path, max_pixels) as image:
        return image.size


def batches(
    jobs: list[Job], batch_size: int, max_pixels: int | None, failed: list[str]
) -> Iterator[list[Job]]:
    """Jobs grouped by image size, in chunks of `batch_size`; unreadable images and images of
    more than `max_pixels` go to `failed`."""
    by_size: dict[tuple[int, int], list[Job]] = {}
    for job in jobs:
        try:
            by_size.setdefault(image_size(job.image, max_pixels), []).append(job)
        except (FileNotFoundError, ImageReadError) as error:
            failed.append(str(error))
    for group in by_size.values():
        for start in range(0, len(group), batch_size):
            yield group[start : start + batch_size]


def open_pair(job: Job, max_pixels: int | None) -> tuple[Job, Image.Image, Image.Image]:
    """The job's image and mask, read upright; a mask that does not fit, or either of more
    than `max_pixels` pixels, is an error naming it."""
    image, mask = open_image(job.image, max_pixels), open_image(job.mask, max_pixels)
    check_mask_aspect(mask.size, image.size, what=f"mask {job.mask}")
    return job, image, mask


def run_batch(
    model: Inpainter, jobs: list[Job], args: argparse.Namespace, failed: list[str]
) -> None:
    """Read, inpaint and write one batch; files that cannot be read go to `failed`."""
    loaded = []
    for job in jobs:
        try:
            loaded.append(open_pair(job, args.max_pixels))
        except (FileNotFoundError, ValueError) as error:  # ImageReadError is a ValueError
            failed.append(str(error))
    if not loaded:
        return
    results = model.inpaint_batch(
        [image for _, image, _ in loaded],
        [mask for _, _, mask in loaded],
        max_size=args.max_size,
        strategy=args.strategy,
        alpha=args.alpha,
        max_pixels=None,  # checked when the files were opened
    )
    for (job, _, _), result in zip(loaded, results, strict=True):
        save_image(result, job.out)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    single = parser.add_argument_group("one image")
    single.add_argument("--image", type=Path)
    single.add_argument("--mask", type=Path, help="255 (white) = hole")
    single.add_argument("--out", type=Path)
    folder = parser.add_argument_group("a folder")
    folder.add_argument("--input-dir", type=Path)
    folder.add_argument("--output-dir", type=Path)
    folder.add_argument(
        "--batch-size", type=int, default=4, help="images of one size inpainted together"
    )
    parser.add_argument(
        "--model",
        default=None,
        help=f"a shipped model {available_models()} or a .safetensors path "
        f"(default: the best on docs/results.md, {default_model()}); with --backend "
        "onnxruntime, an .onnx file from inpaint-export",
    )
    parser.add_argument(
        "--backend",
        choices=BACKENDS,
        default="torch",
        help="torch: the PyTorch generator; onnxruntime: an ONNX export of it",
    )
    parser.add_argument("--device", default="auto", help="auto | cpu | cuda | cuda:N | mps")
    parser.add_argument(
        "--strategy",
        choices=STRATEGIES,
        default="auto",
        help="whole: the whole image through the network; crops: boxes around the holes only, "
        f"each at most --max-size (default {WORKING_SIZE}) px; auto: crops for images over "
        f"{WORKING_SIZE} px",
    )
    parser.add_argument(
        "--max-size",
        type=int,
        default=None,
        help="longest side the network sees: larger images (whole) or crops are inpainted "
        "downscaled and the upscaled holes pasted back",
    )
    parser.add_argument(
        "--alpha",
        choices=ALPHA_RULES,
        default="keep",
        help="images with transparency: keep the alpha and inpaint the colour under it, or "
        "make fully transparent pixels holes (opaque result)",
    )
    parser.add_argument(
        "--overwrite", action="store_true", help="allow an output to replace one of the inputs"
    )
    parser.add_argument(
        "--max-pixels",
        type=int,
        default=DEFAULT_MAX_PIXELS,
        help=f"refuse larger images (default {DEFAULT_MAX_PIXELS:,}: about "
        f"{DEFAULT_MAX_PIXELS * MEMORY_PER_PIXEL / 2**30:.0f} GiB of memory to inpaint in crops)",
    )
    args = parser.parse_args(argv)
    one = [args.image, args.mask, args.out]
    many = [args.input_dir, args.output_dir]
    if all(one) == any(many) or (any(one) and not all(one)) or (any(many) and not all(many)):
        parser.error("give either --image, --mask and --out, or --input-dir and --output-dir")
    if args.out and args.out.suffix.lower() not in Image.registered_extensions():
        parser.error(f"cannot tell the image format of --out {args.out} from its extension")
    if args.max_size is not None and args.max_size < 8:
        parser.error(f"--max-size must be >= 8, got {args.max_size}")
    if args.batch_size < 1:
        parser.error(f"--batch-size must be >= 1, got {args.batch_size}")
    if args.max_pixels < 1:
        parser.error(f"--max-pixels must be >= 1, got {args.max_pixels}")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    failed: list[str] = []
    try:  # the inputs are checked before the model is loaded
        if args.image:
            jobs = [Job(args.image, args.mask, args.out)]
        else:
            jobs = folder_jobs(args.input_dir, args.output_dir)
        replaced = overwritten_inputs(jobs)
        if replaced and not args.overwrite:
            raise ValueError(
                f"{len(replaced)} output(s) would replace an input (e.g. {replaced[0]}): choose "
                "another output, or pass --overwrite"
            )
        from tqdm import tqdm

        from inpaint.inference.inpainter import load_pretrained

        if args.image:
            _, image, mask = open_pair(jobs[0], args.max_pixels)
            model = load_pretrained(args.model, device=args.device, backend=args.backend)
            result = model.inpaint(
                image,
                mask,
                max_size=args.max_size,
                strategy=args.strategy,
                alpha=args.alpha,
                max_pixels=None,  # checked when the files were opened
            )
            save_image(result, args.out)
        else:
            model = load_pretrained(args.model, device=args.device, backend=args.backend)
            with tqdm(total=len(jobs), unit="image") as progress:
                for batch in batches(jobs, args.batch_size, args.max_pixels, failed):
                    run_batch(model, batch, args, failed)
                    progress.update(len(batch))
    except (FileNotFoundError, ValueError, OnnxExtraMissingError, DiskFullError) as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    if failed:
        print(f"error: {len(failed)} image(s) skipped:", *failed, sep="\n  ", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
