"""Ship a finished ``experiment=pretrained_<block>`` run as a pretrained model.

    python scripts/export_pretrained.py logs/runs/<run>            # -> inpaint/weights/<block>.*
    python scripts/export_pretrained.py logs/runs/<run> --name gated --which last
    python scripts/export_pretrained.py logs/runs/<run> --force   # replace the shipped model

Writes ``<name>.safetensors`` (float16, at most --max-mb) and ``<name>.json``: the generator
config, the data and its terms, the training config and overrides, steps, wall time,
validation metrics and, for a run started from ``model.init_from``, the weights it started
from (``initialized_from``). The default checkpoint is ``last``: with a fixed step budget it
needs no choice made on the held-out images, which the evaluation reuses (``best`` would).
Existing weights (a shipped model, by default) are replaced only with ``--force``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from inpaint.inference.export import export_run, load_run_config
from inpaint.models.block_spec import BlockSpec
from inpaint.training.init_from import generator_config
from inpaint.utils import DiskFullError

SHIPPED_DIR = Path(__file__).resolve().parents[1] / "inpaint" / "weights"
BSDS_DATA = (
    "CBSD432: the 432 colour photographs of the Berkeley Segmentation Data Set and Benchmarks "
    "500 (BSDS500; Arbelaez, Maire, Fowlkes, Malik, TPAMI 2011) minus the 68 of CBSD68, "
    "resized to 480x320 / 320x480; Corel photographs"
)
BSDS_TERMS = (
    "The BSDS500 may be used free of charge for non-commercial research and education; the "
    "Corel photographs have no open licence. Models trained on them are meant for research "
    "and education, not for commercial products."
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("run_dir", type=Path, help="the run directory written by train.py")
    parser.add_argument("--name", help="model name (default: the run's block name)")
    parser.add_argument("--which", default="last", help="last | best | a checkpoint path")
    parser.add_argument("--out-dir", type=Path, default=SHIPPED_DIR)
    parser.add_argument("--max-mb", type=float, default=8.0, help="refuse larger weights")
    parser.add_argument("--data", default=BSDS_DATA, help="what the model was trained on")
    parser.add_argument("--data-terms", default=BSDS_TERMS, help="the terms of that data")
    parser.add_argument("--force", action="store_true", help="replace existing weights")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    try:
        cfg = load_run_config(args.run_dir)
        name = args.name or BlockSpec.parse(generator_config(cfg)["block"]).name
        path = args.out_dir / f"{name}.safetensors"
        if path.exists() and not args.force:
            raise ValueError(
                f"{path} exists{' (a shipped model)' if args.out_dir == SHIPPED_DIR else ''}; "
                "pass --force to replace it, or choose --name / --out-dir"
            )
        card = export_run(
            args.run_dir,
            path,
            which=args.which,
            extra_card={"name": name, "data": args.data, "data_terms": args.data_terms},
            max_bytes=int(args.max_mb * 2**20),
        )
    except (FileNotFoundError, ValueError, DiskFullError) as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    psnr = card["validation_metrics"].get("val/psnr")
    print(
        f"wrote {path} ({path.stat().st_size / 2**20:.2f} MiB) and {path.with_suffix('.json')}: "
        f"step {card['checkpoint']['global_step']}, wall time {card['wall_time_s']} s, "
        f"val PSNR {psnr if psnr is None else round(psnr, 2)}"
    )


if __name__ == "__main__":
    main()
