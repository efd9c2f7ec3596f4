"""The GPU plan's rehearsal: every step at toy scale on the CPU, every artifact packed."""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from inpaint.gpu_plan.pack import MAX_FILE_BYTES, MAX_FILES

REPO = Path(__file__).parents[2]


def _members(path: Path) -> list[str]:
    with tarfile.open(path) as archive:
        return archive.getnames()


@pytest.mark.slow
def test_the_rehearsal_runs_every_step_and_packs_every_artifact(tmp_path, image_folder):
    out = tmp_path / "out"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "gpu_plan.py"),
            "--out",
            str(out),
            "--work",
            str(tmp_path / "work"),
            "--bsds",
            str(image_folder),
            "--extra",
            "none",
            "--rehearse",
            "--budget-min",
            "5",
        ],
        check=True,
        cwd=REPO,
        capture_output=True,
    )
    status = json.loads((out / "plan.json").read_text())
    failed = [c for c in status["commands"] if c["status"] != "ok"]
    assert not failed, failed
    steps = [c["step"] for c in status["commands"]]
    assert list(dict.fromkeys(steps)) == ["checks", "benchmark", "training", "evaluation"]
    assert steps.count("training") == 3  # two candidates and the study, side by side
    files = sorted(p.name for p in out.iterdir())
    assert len(files) <= MAX_FILES
    assert all((out / f).stat().st_size <= MAX_FILE_BYTES for f in files)
    for candidate in ("gpu_fourier", "gpu_fourier_continued"):
        assert sorted(_members(out / f"{candidate}.tar.gz")) == [
            f"candidates/{candidate}.json",
            f"candidates/{candidate}.safetensors",
        ]
    evaluation = _members(out / "evaluation.tar.gz")
    for name in ("results.md", "results.json", "study/compare.md", "study/compare.json"):
        assert f"evaluation/{name}" in evaluation
    assert "benchmark/benchmark.json" in _members(out / "benchmark.tar.gz")
    events = _members(out / "tensorboard.tar.gz")
    assert any(n.startswith("runs/gpu_fourier/events.out.tfevents") for n in events)
    assert any(n.startswith("study/standard-resize_seed0/events") for n in events)
    assert "plan.json" in _members(out / "logs.tar.gz")
