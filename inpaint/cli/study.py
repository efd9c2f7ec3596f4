"""``inpaint-study``: train the variant study (every block and upsampler, same recipe, several
seeds) into one folder; finished runs are skipped and interrupted ones resumed, so running
the same command again continues it.

    inpaint-study --size cpu --out logs/study/cpu                # about 2.5 h on 2 CPU cores
    inpaint-study --size gpu --out logs/study/gpu --jobs 6       # six runs at a time on a GPU
    inpaint-study --size cpu --out /tmp/s --blocks standard gated --seeds 0 -- debug=tiny
    inpaint-compare logs/study/cpu                               # the table and charts

Overrides after ``--`` go to every run's ``scripts/train.py`` command line.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from inpaint.study.plan import BLOCKS, SIZES, UPSAMPLES, study_runs


def parse_args(argv: list[str]) -> argparse.Namespace:
    extra = argv[argv.index("--") + 1 :] if "--" in argv else []
    argv = argv[: argv.index("--")] if "--" in argv else argv
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", choices=sorted(SIZES), default="cpu")
    parser.add_argument("--out", type=Path, required=True, help="the study folder")
    parser.add_argument("--seeds", type=int, nargs="+", help="default: the size's seeds")
    parser.add_argument("--blocks", nargs="+", choices=BLOCKS, default=list(BLOCKS))
    parser.add_argument("--upsamples", nargs="+", choices=UPSAMPLES, default=list(UPSAMPLES))
    parser.add_argument("--jobs", type=int, default=1, help="runs trained at the same time")
    parser.add_argument(
        "--budget-min", type=float, help="start no run after this; stop those still training"
    )
    parser.add_argument("--dry-run", action="store_true", help="print the runs, train nothing")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be >= 1, got {args.jobs}")
    if args.budget_min is not None and args.budget_min <= 0:
        parser.error(f"--budget-min must be > 0, got {args.budget_min}")
    args.extra = extra
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    runs = study_runs(
        args.size,
        seeds=tuple(args.seeds) if args.seeds else None,
        blocks=tuple(args.blocks),
        upsamples=tuple(args.upsamples),
        extra_overrides=tuple(args.extra),
    )
    if args.dry_run:
        for run in runs:
            print(f"{run.name}: {' '.join(run.overrides)}")
        return
    from inpaint.study.runner import run_study

    budget = args.budget_min * 60 if args.budget_min is not None else None
    states = run_study(runs, args.out, jobs=args.jobs, budget_s=budget)
    for state in states:
        print(f"{state.name:>36}: {state.status} ({state.seconds:.0f} s)")
    failed = [s.name for s in states if s.status == "failed"]
    if failed:
        print(f"failed: {', '.join(failed)} (see each run's study.log)", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
