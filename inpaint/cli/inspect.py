"""``inpaint-inspect`` / ``python scripts/inspect_model.py``: per-layer summary of the generator.

Takes the same Hydra overrides as training and prints, for every conv / upsampling layer of
the generator in forward order, its variant, output shape, parameters, FLOPs and theoretical
receptive field, with totals::

    inpaint-inspect                                   # default generator, data.image_size
    inpaint-inspect model/block=partial data.image_size=256
    inpaint-inspect --format json model/block=gated model/upsample=resize

The input is one image of the training crop size (``data.image_size``) with its mask.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from inpaint.utils import ConfigError, compose_train_config


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="inpaint-inspect",
        description="Per-layer summary (shapes, params, FLOPs, receptive field) of the "
        "generator configured by the given Hydra overrides.",
    )
    parser.add_argument("--format", choices=("markdown", "json"), default="markdown")
    parser.add_argument(
        "overrides", nargs="*", help="Hydra overrides as for training, e.g. model/block=gated"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Print the summary to stdout; a bad override or config exits with status 2."""
    args = parse_args(argv)
    # imported once the arguments are valid: --help and argument errors come back at once
    from inpaint.inspect.config import InspectError, build_generator, config_image_size
    from inpaint.inspect.summary import summarize

    try:
        cfg = compose_train_config(args.overrides)
        generator = build_generator(cfg)
        size = config_image_size(cfg)
        if size % generator.size_multiple:
            raise InspectError(
                f"data.image_size={size} must be a multiple of {generator.size_multiple} "
                "for this generator"
            )
    except ConfigError as error:  # InspectError included
        print(f"inpaint-inspect: {error}", file=sys.stderr)
        sys.exit(2)
    summary = summarize(
        generator, (1, generator.image_channels, size, size), mask_shape=(1, 1, size, size)
    )
    block, upsample = str(cfg.model.block.name), str(cfg.model.upsample.name)
    if args.format == "json":
        report = {"block": block, "upsample": upsample, "overrides": list(args.overrides)}
        print(json.dumps({**report, **summary.to_dict()}, indent=2))
    else:
        print(f"block={block} upsample={upsample}\n\n{summary.to_markdown()}")


if __name__ == "__main__":
    main()
