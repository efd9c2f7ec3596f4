"""``python scripts/gpu_plan.py``: a visit to a GPU machine in one command.

In order, each within its share of ``--budget-min``: the machine's versions and the
gpu-marked tests; the benchmark's conv, training, inference and data sections on CUDA; the two
candidate default models (experiment=gpu_fourier, gpu_fourier_continued) trained side by side
with the variant study at GPU size (inpaint-study --size gpu) as more processes on the GPU; each
candidate exported and evaluated against the shipped fourier and OpenCV on the 32 held-out
photos, and the study's finished runs compared; then everything packed into at most 8 files of
at most 16 MiB under --out. A failed step is recorded in plan.json and the next one runs.

    python scripts/gpu_plan.py --out $OUT --budget-min 9            # on the GPU machine
    python scripts/gpu_plan.py --out /tmp/out --rehearse            # every step, toy scale, CPU

The photos: --bsds (data/bsds_train, a copy of ../shared/datasets/bsds_train) and --extra
(data/extra_train); data/ is git-ignored, so they travel only when named. Needs hydra-core,
omegaconf and antlr4 (wheels: ../shared/gpu_wheels) and pytest importable.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, required=True, help="where the packed files go")
    parser.add_argument("--work", type=Path, default=Path("logs/gpu_plan"), help="work folder")
    parser.add_argument("--budget-min", type=float, default=9.0, help="the whole plan's time")
    parser.add_argument("--bsds", type=Path, default=Path("data/bsds_train"))
    parser.add_argument(
        "--extra", type=Path, default=Path("data/extra_train"), help="'none': no extra photos"
    )
    parser.add_argument(
        "--study-jobs",
        type=int,
        default=1,
        help="study runs trained at a time beside the candidates (0: no study)",
    )
    parser.add_argument("--rehearse", action="store_true", help="toy scale, on the CPU")
    args = parser.parse_args(argv)
    if args.budget_min <= 0 or args.study_jobs < 0:
        parser.error("--budget-min must be > 0 and --study-jobs >= 0")
    if not args.bsds.is_dir():
        parser.error(f"--bsds {args.bsds}: no such folder of photos")
    if str(args.extra) == "none":
        args.extra = None
    elif not args.extra.is_dir():
        parser.error(f"--extra {args.extra}: no such folder of photos ('none' for no extra)")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from inpaint.gpu_plan.plan import run_plan
    from inpaint.gpu_plan.steps import PlanSettings

    settings = PlanSettings(
        work=args.work.absolute(),
        bsds=args.bsds.absolute(),
        extra=None if args.extra is None else args.extra.absolute(),
        budget_s=args.budget_min * 60,
        rehearse=args.rehearse,
        study_jobs=args.study_jobs,
    )
    records, files = run_plan(settings, args.out)
    for record in records:
        print(f"{record.step:>10} {record.status:>8} {record.seconds:7.1f} s  {record.log}")
    print("packed:", *(str(f) for f in files), sep="\n  ")


if __name__ == "__main__":
    main()
