"""The variant study: its plan of runs, and a runner that skips finished runs and resumes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inpaint.study import BLOCKS, UPSAMPLES, run_study, study_runs
from inpaint.study.runner import STATUS_FILE, command


def test_the_cpu_study_trains_every_block_and_upsampler_with_two_seeds():
    runs = study_runs("cpu")
    assert len(runs) == 2 * (len(BLOCKS) + len(UPSAMPLES) - 1)
    assert len({run.name for run in runs}) == len(runs)
    blocks = {o.split("=")[1] for r in runs for o in r.overrides if o.startswith("model/block=")}
    upsamples = {o.split("=")[1] for r in runs for o in r.overrides if "model/upsample=" in o}
    assert blocks == set(BLOCKS) and upsamples == set(UPSAMPLES)
    assert all(run.overrides[0] == "experiment=study" for run in runs)
    # seed-major: the first half is seed 0, so an interrupted study has whole seeds
    half = len(runs) // 2
    assert all("seed=0" in r.overrides for r in runs[:half])
    assert all("seed=1" in r.overrides for r in runs[half:])


def test_the_gpu_study_has_three_seeds():
    seeds = {o for r in study_runs("gpu") for o in r.overrides if o.startswith("seed=")}
    assert seeds == {"seed=0", "seed=1", "seed=2"}
    assert all(r.overrides[0] == "experiment=study_gpu" for r in study_runs("gpu"))


def test_an_unknown_size_or_block_is_refused():
    with pytest.raises(ValueError, match="size"):
        study_runs("tpu")
    with pytest.raises(ValueError, match="unknown"):
        study_runs("cpu", blocks=("standard", "octave"))


def test_an_interrupted_run_resumes_from_its_last_checkpoint(tmp_path):
    (run,) = study_runs("cpu", seeds=(0,), blocks=("gated",), upsamples=("resize",))
    argv, resumes = command(run, tmp_path / run.name)
    assert not resumes and "ckpt_path=last" not in argv
    (tmp_path / run.name / "checkpoints").mkdir(parents=True)
    (tmp_path / run.name / "checkpoints" / "last.ckpt").write_bytes(b"")
    argv, resumes = command(run, tmp_path / run.name)
    assert resumes and argv[-1] == "ckpt_path=last"
    assert f"hydra.run.dir={tmp_path / run.name}" in argv


@pytest.mark.slow
def test_a_study_trains_its_runs_once(tmp_path: Path, image_folder: Path):
    runs = study_runs(
        "cpu",
        seeds=(0,),
        blocks=("standard",),
        upsamples=("resize",),
        extra_overrides=("debug=tiny", f"data.root={image_folder}", "data.val_count=2"),
    )
    (state,) = run_study(runs, tmp_path / "study")
    assert state.status == "done", (tmp_path / "study" / runs[0].name / "study.log").read_text()
    summary = json.loads((tmp_path / "study" / runs[0].name / "summary.json").read_text())
    assert summary["block"] == "standard" and summary["upsample"] == "resize"
    (again,) = run_study(runs, tmp_path / "study")
    assert again.status == "finished"
    recorded = json.loads((tmp_path / "study" / STATUS_FILE).read_text())
    assert recorded[0]["status"] == "finished"
