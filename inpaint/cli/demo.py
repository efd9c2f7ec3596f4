"""``inpaint-demo``: inpaint by painting over a photo in the browser (needs the ``demo`` extra:
``pip install -e ".[demo]"``).

    inpaint-demo                                   # http://127.0.0.1:7860, every shipped model
    inpaint-demo --model my_run.safetensors --port 8000
    inpaint-demo --host 0.0.0.0 --auth-file logins.txt  # for the network: a login (user:password)

The page is served from this machine only (no share link, no analytics, no fonts or scripts
from elsewhere); stop it with Ctrl+C. It runs one inpainting at a time; up to --max-queue
requests wait their turn and more are refused with Gradio's "queue is full" message, and an
upload larger than --max-upload-mb is refused, so that one client cannot exhaust the memory.
Serving on an address other than loopback needs --auth / --auth-file, or an explicit --no-auth.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys
from pathlib import Path
from typing import Any

from inpaint.data.image_io import DEFAULT_MAX_PIXELS
from inpaint.model_cards import available_models, default_model


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
    parser.add_argument(
        "--auth", action="append", default=[], metavar="USER:PASSWORD", help="a login (repeatable)"
    )
    parser.add_argument("--auth-file", type=Path, help="a file of logins, one USER:PASSWORD a line")
    parser.add_argument(
        "--no-auth", action="store_true", help="serve a non-loopback --host without a login"
    )
    parser.add_argument("--max-upload-mb", type=float, default=50.0, help="largest upload")
    parser.add_argument("--max-queue", type=int, default=8, help="requests that may wait")
    parser.add_argument(
        "--max-pixels",
        type=int,
        default=DEFAULT_MAX_PIXELS,
        help=f"refuse larger photos (default {DEFAULT_MAX_PIXELS:,})",
    )
    args = parser.parse_args(argv)
    if args.max_upload_mb <= 0 or args.max_queue < 1 or args.max_pixels < 2:
        parser.error("--max-upload-mb must be > 0, --max-queue >= 1 and --max-pixels >= 2")
    try:
        args.logins = logins(args.auth, args.auth_file)
    except ValueError as error:
        parser.error(str(error))
    if args.logins and args.no_auth:
        parser.error("--no-auth contradicts --auth / --auth-file: give one or the other")
    if not (is_loopback(args.host) or args.logins or args.no_auth):
        parser.error(
            f"--host {args.host} serves the page to every machine that can reach it: give "
            "--auth USER:PASSWORD (or --auth-file FILE), or --no-auth to serve it without a login"
        )
    for path in args.model:
        if path.suffix != ".safetensors" or not path.is_file():
            parser.error(f"--model {path}: expected an existing .safetensors file")
    if not 0 < args.port < 65536:
        parser.error(f"--port must be in 1-65535, got {args.port}")
    return args


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may resolve to any address
        return False


def logins(pairs: list[str], file: Path | None) -> list[tuple[str, str]]:
    """(user, password) of every ``USER:PASSWORD`` given and every non-blank line of `file`;
    ValueError naming a malformed one (without its password) or an unreadable file."""
    lines = list(pairs)
    sources = ["--auth"] * len(pairs)
    if file is not None:
        try:
            text = file.read_text()
        except OSError as error:
            raise ValueError(f"--auth-file {file}: cannot read it ({error.strerror})") from error
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip():
                lines.append(line.strip())
                sources.append(f"--auth-file {file} line {number}")
    found = []
    for line, source in zip(lines, sources, strict=True):
        user, colon, password = line.partition(":")
        if not (user and colon and password):
            raise ValueError(f"{source}: expected USER:PASSWORD with both non-empty")
        found.append((user, password))
    return found


def launch_options(args: argparse.Namespace) -> dict[str, Any]:
    """The keyword arguments of Gradio's ``launch`` for `args`."""
    return {
        "server_name": args.host,
        "server_port": args.port,
        "share": False,
        "auth": args.logins or None,
        "max_file_size": f"{args.max_upload_mb:g}mb",
        # the page shows why a request failed: e.g. Pillow refusing a photo past --max-pixels
        "show_error": True,
    }


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
    page = build_page(
        ModelCache(choices, device=args.device), default, args.max_queue, args.max_pixels
    )
    page.launch(**launch_options(args))


if __name__ == "__main__":
    main()
