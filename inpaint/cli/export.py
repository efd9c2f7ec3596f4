"""``inpaint-export``: a pretrained generator as one ONNX file, checked against PyTorch.

    inpaint-export --model fourier --onnx exports/fourier.onnx
    inpaint-export --model my_models/my_gated.safetensors --onnx my_gated.onnx

The file takes ``image`` float [N, 3, H, W] in [0, 1] and ``known`` float [N, 1, H, W]
(1 = known) for any batch size N and any H and W that are multiples of the model's size
multiple, and returns the raw prediction ``prediction`` [N, 3, H, W]; its metadata holds the
model card (``model_card``, JSON) and ``size_multiple``. Run it with ``inpaint-predict
--backend onnxruntime --model exports/fourier.onnx`` or ``load_pretrained(
"exports/fourier.onnx", backend="onnxruntime")``: they pad, crop and composite as for PyTorch.

After writing the file, the command runs onnxruntime and PyTorch on random images of
256x256, 301x207 (padded to the size multiple as any image is) and the smallest size, and
prints the largest difference on hole pixels; above 1/255 it removes the file and exits with
status 2. Needs the onnx extra: pip install -e ".[onnx]".
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from inpaint.inference.onnx_extra import OnnxExtraMissingError, require_onnx_extra
from inpaint.model_cards import available_models
from inpaint.utils import DiskFullError

#: (H, W) of the random images the export is checked on, besides the smallest size
CHECK_SIZES = ((256, 256), (301, 207))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--model",
        required=True,
        help=f"a shipped model {available_models()} or a .safetensors path (card beside it)",
    )
    parser.add_argument(
        "--onnx", type=Path, required=True, help="the .onnx file to write (folders are created)"
    )
    return parser.parse_args(argv)


def size_label(size: tuple[int, int], multiple: int) -> str:
    """``1x3x301x207 (padded to 304x208)`` for a checked size."""
    h, w = size
    padded = (h + -h % multiple, w + -w % multiple)
    return f"1x3x{h}x{w}" + (f" (padded to {padded[0]}x{padded[1]})" if padded != size else "")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    try:
        if args.onnx.suffix.lower() != ".onnx":
            raise ValueError(f"--onnx must name an .onnx file, got {args.onnx}")
        require_onnx_extra("onnx", "onnxruntime", "onnxscript")
        from inpaint.inference.onnx_check import TOLERANCE, hole_difference
        from inpaint.inference.onnx_export import export_onnx
        from inpaint.inference.onnx_generator import OnnxGenerator
        from inpaint.inference.weights import load_generator

        generator, card = load_generator(args.model)
        start = time.perf_counter()
        try:
            export_onnx(generator, card, args.onnx)
        except DiskFullError:
            raise
        except Exception as error:  # torch.export and the ONNX exporter raise many types
            first_line = str(error).strip().splitlines()[0]
            raise ValueError(f"cannot export {args.model} to ONNX: {first_line}") from error
        seconds = time.perf_counter() - start
        megabytes = args.onnx.stat().st_size / 2**20
        print(f"exported {args.model} to {args.onnx}: {megabytes:.1f} MiB in {seconds:.1f} s")

        exported = OnnxGenerator(args.onnx, device="cpu")
        multiple = generator.size_multiple
        print(f"largest |onnxruntime - PyTorch| on hole pixels (limit 1/255 = {TOLERANCE:.1e}):")
        differences = {}
        for size in (*CHECK_SIZES, (multiple, multiple)):
            differences[size] = hole_difference(generator, exported, size)
            print(f"  {size_label(size, multiple)}: {differences[size]:.1e}")
        worst = max(differences, key=differences.get)
        if differences[worst] > TOLERANCE:
            args.onnx.unlink()
            raise ValueError(
                f"onnxruntime differs from PyTorch by {differences[worst]:.1e} on hole pixels "
                f"of a {worst[0]}x{worst[1]} image, over 1/255; {args.onnx} removed"
            )
    except (FileNotFoundError, ValueError, OnnxExtraMissingError, DiskFullError) as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
