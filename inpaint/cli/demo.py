"""``inpaint-demo``: inpaint by painting over a photo in the browser (needs the ``demo`` extra:
``pip install -e ".[demo]"``).

    inpaint-demo                                   # http://127.0.0.1:7860, every shipped model
    inpaint-demo --model my_run.safetensors --port 8000

The page is served from this machine only (no share link, no analytics, no fonts or scripts
from elsewhere); stop it with Ctrl+C.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from inpaint.inference.shipped import available_models, default_model


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to serve on")
    parser.add_argument("--port", type=int, default=7860)
    parser.add_argument(
        "--model",
        action="append",
        type=Path,
        default=[],
        help=".safetensors file offered beside the shipped models (repeatable)",
    )
    parser.add_argument("--device", default="auto", help="auto | cpu | cuda | cuda:N | mps")
    args = parser.parse_args(argv)
    for path in args.model:
        if path.suffix != ".safetensors" or not path.is_file():
            parser.error(f"--model {path}: expected an existing .safetensors file")
    if not 0 < args.port < 65536:
        parser.error(f"--port must be in 1-65535, got {args.port}")
    return args


def model_choices(paths: list[Path]) -> dict[str, str]:
    """Page name -> shipped name or path: shipped models by name, files by their stem (their
    path when a stem is taken)."""
    choices = {name: name for name in available_models()}
    for path in paths:
        choices[path.stem if path.stem not in choices else str(path)] = str(path)
    return choices


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    try:
        from inpaint.demo.page import build_page
    except ImportError as error:
        print(f'error: {error}; install the demo extra: pip install -e ".[demo]"', file=sys.stderr)
        sys.exit(2)
    from inpaint.demo.inference import ModelCache
    from inpaint.inference.inpainter import pick_device

    try:
        pick_device(args.device)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    choices = model_choices(args.model)
    default = next(
        (name for name, source in choices.items() if args.model and source == str(args.model[0])),
        default_model(),
    )
    page = build_page(ModelCache(choices, device=args.device), default)
    page.launch(server_name=args.host, server_port=args.port, share=False)


if __name__ == "__main__":
    main()
