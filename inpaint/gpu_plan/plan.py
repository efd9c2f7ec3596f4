"""The GPU visit in order, each step within its share of the budget: checks, benchmark,
training (candidates and study side by side), evaluation, packing. A step that fails is
recorded in plan.json and the next one runs."""

from __future__ import annotations

import time
from dataclasses import asdict
from pathlib import Path

from inpaint.gpu_plan.pack import pack
from inpaint.gpu_plan.runner import CommandRecord, run_step, write_status
from inpaint.gpu_plan.steps import (
    CANDIDATES,
    SHARES,
    PlanSettings,
    benchmark,
    checks,
    evaluation,
    training,
)

# kept back for packing the results at the end
PACK_RESERVE_S = 15.0
STATUS_FILE = "plan.json"


def trained_candidates(work: Path) -> list[str]:
    """The candidates whose runs left a final checkpoint."""
    return [
        name
        for _, name in CANDIDATES
        if (work / "runs" / name / "checkpoints" / "last.ckpt").is_file()
    ]


def run_plan(settings: PlanSettings, out: Path) -> tuple[list[CommandRecord], list[Path]]:
    """Run every step, pack the results into `out`; returns the records and the files."""
    start = time.monotonic()
    work, logs = settings.work, settings.work / "logs"
    records: list[CommandRecord] = []
    described = {k: str(v) if isinstance(v, Path) else v for k, v in asdict(settings).items()}

    def left() -> float:
        return settings.budget_s - (time.monotonic() - start)

    def share(name: str) -> float:
        return min(SHARES[name] * settings.budget_s, left())

    def run(step, timeout_s: float) -> None:
        records.extend(run_step(step, logs, timeout_s))
        write_status(work / STATUS_FILE, described, records)

    run(checks(settings), share("checks"))
    run(benchmark(settings), share("benchmark"))
    training_s = left() - SHARES["evaluation"] * settings.budget_s - PACK_RESERVE_S
    run(training(settings, training_s), training_s)
    trained = trained_candidates(work)
    run(evaluation(settings, trained), max(0.0, left() - PACK_RESERVE_S))
    files, notes = pack(work, out, trained)
    described["pack_notes"] = notes
    described["seconds"] = round(time.monotonic() - start, 1)
    write_status(work / STATUS_FILE, described, records)
    write_status(out / STATUS_FILE, described, records)
    return records, [*files, out / STATUS_FILE]
