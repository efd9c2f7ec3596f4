"""Run a study's training runs as subprocesses of ``scripts/train.py``, a few at a time,
skipping finished runs and resuming interrupted ones, so a study can span several sessions.

A run is finished when its folder holds ``summary.json`` (written when training ends); one
with ``checkpoints/last.ckpt`` and no summary resumes from it (``ckpt_path=last``); any other
starts fresh. Each run's output goes to ``<run>/study.log``; ``<study>/study.json`` records
every run's state after each change.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from inpaint.study.plan import StudyRun
from inpaint.utils import atomic_write

STATUS_FILE = "study.json"
POLL_SECONDS = 2.0
# after the budget, how long a SIGTERM'd run may take to save and exit before it is killed
STOP_GRACE_S = 60.0


@dataclass
class RunState:
    """What became of one run: ``done`` (trained now), ``finished`` (found finished),
    ``failed`` (non-zero exit, see its study.log), ``stopped`` (the time budget ran out while
    it trained; it resumes next time) or ``not started``."""

    name: str
    overrides: list[str]
    status: str = "not started"
    seconds: float = 0.0
    returncode: int | None = None
    resumed: bool = False


@dataclass
class _Running:
    state: RunState
    process: subprocess.Popen
    log: object
    started: float = field(default_factory=time.monotonic)


def is_finished(run_dir: Path) -> bool:
    return (run_dir / "summary.json").is_file()


def command(run: StudyRun, run_dir: Path) -> tuple[list[str], bool]:
    """(the train.py command line of `run` into `run_dir`, whether it resumes)."""
    resumes = (run_dir / "checkpoints" / "last.ckpt").is_file()
    return [
        sys.executable,
        "-m",
        "inpaint.cli.train",
        *run.overrides,
        f"hydra.run.dir={run_dir}",
        "trainer.enable_progress_bar=false",
        *(["ckpt_path=last"] if resumes else []),
    ], resumes


def run_study(
    runs: Sequence[StudyRun],
    out: Path,
    jobs: int = 1,
    budget_s: float | None = None,
    env: dict[str, str] | None = None,
) -> list[RunState]:
    """Train every run of `runs` not yet finished under `out`, `jobs` at a time.

    With `budget_s`, no run starts after that many seconds and those still training then are
    stopped with SIGTERM, and SIGKILL a minute later (their last checkpoint stays for the
    next call). With more than one
    job each process gets an equal share of the CPU threads. Returns each run's state.
    """
    if jobs < 1:
        raise ValueError(f"jobs must be >= 1, got {jobs}")
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ if env is None else env)
    if jobs > 1:
        env.setdefault("OMP_NUM_THREADS", str(max(1, (os.cpu_count() or 1) // jobs)))
    states = [RunState(run.name, list(run.overrides)) for run in runs]
    pending = list(zip(runs, states, strict=True))
    running: list[_Running] = []
    start = time.monotonic()

    def record() -> None:
        with atomic_write(out / STATUS_FILE, "w") as file:
            json.dump([asdict(s) for s in states], file, indent=2)

    def out_of_time() -> bool:
        return budget_s is not None and time.monotonic() - start >= budget_s

    while pending or running:
        while pending and len(running) < jobs and not out_of_time():
            run, state = pending.pop(0)
            run_dir = out / run.name
            if is_finished(run_dir):
                state.status = "finished"
                continue
            run_dir.mkdir(parents=True, exist_ok=True)
            argv, state.resumed = command(run, run_dir)
            log = open(run_dir / "study.log", "a")  # noqa: SIM115 - closed when the run ends
            log.write(f"$ {' '.join(argv)}\n")
            log.flush()
            process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env)
            state.status = "training"
            running.append(_Running(state, process, log))
            record()
        if not running:
            break
        time.sleep(POLL_SECONDS)
        if out_of_time():
            overdue = time.monotonic() - start >= budget_s + STOP_GRACE_S
            for job in running:
                if job.process.poll() is None:
                    job.process.send_signal(signal.SIGKILL if overdue else signal.SIGTERM)
        for job in list(running):
            code = job.process.poll()
            if code is None:
                continue
            job.log.close()
            running.remove(job)
            state = job.state
            state.seconds = round(time.monotonic() - job.started, 1)
            state.returncode = code
            run_dir = out / state.name
            if is_finished(run_dir):
                state.status = "done"
            else:
                state.status = "stopped" if out_of_time() else "failed"
            record()
    record()
    return states
