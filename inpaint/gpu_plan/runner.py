"""Run a plan's steps as subprocesses within a deadline, recording each command's outcome;
a failed or timed-out command is recorded and the plan goes on."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from inpaint.gpu_plan.steps import Step

# after its timeout a command gets SIGTERM (Lightning saves and stops), then this, then SIGKILL
STOP_GRACE_S = 30.0


@dataclass
class CommandRecord:
    """One command of a step: ``ok`` (exit 0), ``failed`` (other exit) or ``timeout``."""

    step: str
    command: list[str]
    log: str
    status: str
    returncode: int | None
    seconds: float


def _stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run_step(step: Step, logs: Path, timeout_s: float) -> list[CommandRecord]:
    """Run `step`'s commands (one after another, or all at once if ``parallel``), each until
    the step's `timeout_s` is spent; stdout and stderr go to ``<logs>/<step>-<n>.log``."""
    logs.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **step.env}
    deadline = time.monotonic() + timeout_s
    records = []

    def start(index: int, command: list[str]) -> tuple[subprocess.Popen, Path, float]:
        log = logs / f"{step.name}-{index}.log"
        with open(log, "w") as file:
            file.write("$ " + " ".join(command) + "\n")
        handle = open(log, "a")  # noqa: SIM115 - the child writes to it; closed below
        process = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, env=env)
        handle.close()
        return process, log, time.monotonic()

    def finish(command, process, log, began) -> None:
        try:
            code = process.wait(max(0.0, deadline - time.monotonic()))
            status = "ok" if code == 0 else "failed"
        except subprocess.TimeoutExpired:
            _stop(process)
            code, status = process.returncode, "timeout"
        seconds = round(time.monotonic() - began, 1)
        records.append(CommandRecord(step.name, command, str(log), status, code, seconds))

    if step.parallel:
        started = [(c, *start(i, c)) for i, c in enumerate(step.commands)]
        for command, process, log, began in started:
            finish(command, process, log, began)
    else:
        for index, command in enumerate(step.commands):
            if time.monotonic() >= deadline:
                records.append(CommandRecord(step.name, command, "", "not run", None, 0.0))
                continue
            finish(command, *start(index, command))
    return records


def write_status(path: Path, settings: dict, records: list[CommandRecord]) -> None:
    """``plan.json``: the settings and every command's record so far."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(
        json.dumps({"settings": settings, "commands": [asdict(r) for r in records]}, indent=2)
    )
    temporary.replace(path)
