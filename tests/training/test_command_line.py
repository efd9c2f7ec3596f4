"""The real command line in subprocesses: multirun sweep, SIGKILL then resume, DDP on 2 CPU
processes, and a bad config's exit status and message."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).parents[2]
TRAIN = [sys.executable, str(ROOT / "scripts" / "train.py")]
ENV = {**os.environ, "OMP_NUM_THREADS": "1", "HYDRA_FULL_ERROR": "1"}


def run(args, cwd, timeout=600):
    return subprocess.run(
        [*TRAIN, *args], cwd=cwd, env=ENV, capture_output=True, text=True, timeout=timeout
    )


@pytest.mark.slow
def test_multirun_trains_one_comparable_run_per_block_into_one_root(tmp_path):
    blocks = ["standard", "dilated", "partial", "gated", "deformable"]
    result = run(
        ["-m", f"model/block={','.join(blocks)}", f"paths.log_dir={tmp_path}", "debug=tiny"],
        tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    (sweep,) = (tmp_path / "multirun").iterdir()
    summaries = {}
    for number, block in enumerate(blocks):
        run_dir = sweep / f"{number}_{block}-transposed"
        assert list(run_dir.glob("events.out.tfevents.*")), run_dir
        summaries[block] = json.loads((run_dir / "summary.json").read_text())
    assert {s["global_step"] for s in summaries.values()} == {2}  # same budget
    assert {s["block"] for s in summaries.values()} == set(blocks)


@pytest.mark.slow
def test_sigkill_mid_run_then_resume_from_last_checkpoint(tmp_path):
    run_dir = tmp_path / "run"
    args = [
        "debug=tiny",
        f"hydra.run.dir={run_dir}",
        "trainer.max_epochs=1000",
        "callbacks.last_checkpoint.every_n_train_steps=2",
    ]
    process = subprocess.Popen(
        [*TRAIN, *args], cwd=tmp_path, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    last = run_dir / "checkpoints" / "last.ckpt"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if last.exists() and torch.load(last, weights_only=True)["global_step"] >= 6:
            break
        time.sleep(0.2)
    process.send_signal(signal.SIGKILL)
    process.wait()
    state = torch.load(last, weights_only=True)  # loads: not truncated
    killed_at = state["global_step"]
    assert killed_at >= 6
    epochs = state["epoch"] + 2
    result = run(
        [
            "debug=tiny",
            f"hydra.run.dir={run_dir}",
            "ckpt_path=last",
            f"trainer.max_epochs={epochs}",
        ],
        tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["global_step"] > killed_at
    assert summary["global_step"] == 2 * epochs  # every epoch of 2 steps is there exactly once


@pytest.mark.slow
def test_ddp_on_two_cpu_processes(tmp_path):
    run_dir = tmp_path / "run"
    result = run(
        ["debug=tiny", "trainer=ddp", "trainer.accelerator=cpu", f"hydra.run.dir={run_dir}"],
        tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads((run_dir / "summary.json").read_text())
    # 4 samples per epoch split over 2 processes with batch 2: one step each
    assert summary["global_step"] == 1
    assert summary["metrics"]["val/psnr"] > 0
    assert (run_dir / "checkpoints" / "last.ckpt").is_file()


def test_bad_config_on_the_command_line_exits_2_with_the_message(tmp_path):
    result = run(
        ["debug=tiny", "model.block.name=sparkly", f"paths.log_dir={tmp_path}"],
        tmp_path,
        timeout=120,
    )
    assert result.returncode == 2
    assert "config error" in result.stderr and "sparkly" in result.stderr


@pytest.mark.slow
def test_resume_restores_the_runs_config_and_keeps_its_record(tmp_path):
    run_dir = tmp_path / "run"
    first = ["debug=tiny", "model/block=dilated", "trainer.max_epochs=-1", "trainer.max_steps=2"]
    result = run([*first, f"hydra.run.dir={run_dir}"], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    record = (run_dir / ".hydra" / "config.yaml").read_bytes()

    result = run([f"hydra.run.dir={run_dir}", "ckpt_path=last", "trainer.max_steps=4"], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads((run_dir / "summary.json").read_text())
    assert (summary["block"], summary["global_step"]) == ("dilated", 4)
    assert (run_dir / ".hydra" / "config.yaml").read_bytes() == record
    (attempt,) = (run_dir / ".hydra").glob("resume-*/config.yaml")
    assert "max_steps: 4" in attempt.read_text() and "name: dilated" in attempt.read_text()

    result = run([f"hydra.run.dir={run_dir}", "ckpt_path=last", "model/block=gated"], tmp_path)
    assert result.returncode == 2
    assert "model.block.name (saved 'dilated', given 'gated')" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_checkpoint_is_one_line_and_exit_status_2(tmp_path):
    notes = tmp_path / "notes.ckpt"
    notes.write_text("not a checkpoint")
    result = run([f"ckpt_path={notes}", f"hydra.run.dir={tmp_path / 'run'}"], tmp_path, 120)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"config error: ckpt_path={notes}: not a torch checkpoint (no complete zip archive as "
        "torch.save writes: truncated, or another format); expected a .ckpt that "
        "scripts/train.py wrote (checkpoints/last.ckpt or best-*.ckpt)"
    ]
