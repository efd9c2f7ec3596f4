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
TINY = [
    "data.image_size=32",
    "data.batch_size=2",
    "data.val_batch_size=2",
    "data.num_workers=0",
    "data.train_samples_per_epoch=4",
    "data.val_samples=2",
    "model.generator.widths=[8,16,16]",
    "model.generator.context_dilations=[2]",
    "model.num_logged_images=2",
    "trainer.max_epochs=1",
    "trainer.num_sanity_val_steps=0",
    "trainer.enable_progress_bar=false",
]
ENV = {**os.environ, "OMP_NUM_THREADS": "1", "HYDRA_FULL_ERROR": "1"}


def run(args, cwd, timeout=600):
    return subprocess.run(
        [*TRAIN, *args], cwd=cwd, env=ENV, capture_output=True, text=True, timeout=timeout
    )


@pytest.mark.slow
def test_multirun_trains_one_comparable_run_per_block_into_one_root(tmp_path):
    blocks = ["standard", "dilated", "partial", "gated", "deformable"]
    result = run(
        ["-m", f"model/block={','.join(blocks)}", f"paths.log_dir={tmp_path}", *TINY], tmp_path
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
        *TINY,
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
        [*TINY, f"hydra.run.dir={run_dir}", "ckpt_path=last", f"trainer.max_epochs={epochs}"],
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
        [*TINY, "trainer=ddp", "trainer.accelerator=cpu", f"hydra.run.dir={run_dir}"], tmp_path
    )
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads((run_dir / "summary.json").read_text())
    # 4 samples per epoch split over 2 processes with batch 2: one step each
    assert summary["global_step"] == 1
    assert summary["metrics"]["val/psnr"] > 0
    assert (run_dir / "checkpoints" / "last.ckpt").is_file()


def test_bad_config_on_the_command_line_exits_2_with_the_message(tmp_path):
    result = run(
        [*TINY, "model.block.name=sparkly", f"paths.log_dir={tmp_path}"], tmp_path, timeout=120
    )
    assert result.returncode == 2
    assert "config error" in result.stderr and "sparkly" in result.stderr
