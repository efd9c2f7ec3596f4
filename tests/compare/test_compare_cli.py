"""inpaint-compare on a real sweep: 2 blocks x 2 seeds of `python scripts/train.py -m`."""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

import pytest
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from inpaint.cli.compare import NAMES, main
from inpaint.compare.evaluation import CACHE_FILE

REPO = Path(__file__).parents[2]
# the tiny generator needs a multiple of 4; small images keep the scoring to seconds
COMPARE_ARGS = ["--size", "64", "--timing-repeats", "2"]


@pytest.fixture(scope="module")
def sweep(tmp_path_factory) -> Path:
    """A multirun of standard and gated convs, seeds 0 and 1, on the embedded photos."""
    root = tmp_path_factory.mktemp("sweep")
    sweep_dir = root / "multirun"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "train.py"),
            "-m",
            "debug=tiny",
            "model/block=standard,gated",
            "seed=0,1",
            f"hydra.sweep.dir={sweep_dir}",
            f"paths.log_dir={root / 'logs'}",
        ],
        check=True,
        cwd=root,
        capture_output=True,
    )
    return sweep_dir


@pytest.fixture(scope="module")
def compared(sweep: Path) -> dict:
    main([str(sweep), *COMPARE_ARGS])
    return json.loads((sweep / NAMES["json"]).read_text())


def test_runs_are_grouped_by_block_with_their_seeds(compared):
    groups = {g["label"]: g for g in compared["groups"]}
    assert set(groups) == {"model/block=standard", "model/block=gated"}
    for group in groups.values():
        assert sorted(group["seeds"]) == [0, 1]
        assert len(group["runs"]) == 2


def test_means_and_stds_are_those_of_the_runs_scores(sweep, compared):
    for group in compared["groups"]:
        scores = [
            json.loads((sweep / run / CACHE_FILE).read_text())["metrics"] for run in group["runs"]
        ]
        for bucket in ("all", "0.3-0.4"):
            for metric in ("psnr", "ssim", "l1"):
                values = [score[bucket][metric] for score in scores]
                stat = group["metrics"][bucket][metric]
                assert stat["mean"] == pytest.approx(sum(values) / 2)
                # sample standard deviation of two values: |a - b| / sqrt(2)
                assert stat["std"] == pytest.approx(abs(values[0] - values[1]) / 2**0.5)
                assert stat["std"] == pytest.approx(statistics.stdev(values))


def test_groups_are_ranked_with_the_gap_to_the_best(compared):
    first, second = compared["groups"]
    psnr = [g["metrics"]["all"]["psnr"] for g in (first, second)]
    assert psnr[0]["mean"] >= psnr[1]["mean"]
    assert first["psnr_gap_to_best"] == 0
    assert second["psnr_gap_to_best"] == pytest.approx(psnr[0]["mean"] - psnr[1]["mean"])
    beyond = second["psnr_gap_to_best"] > psnr[0]["std"] + psnr[1]["std"]
    assert second["gap_beyond_seed_spread"] is beyond


def test_costs_come_from_the_models_and_the_summaries(sweep, compared):
    for group in compared["groups"]:
        cost = group["cost"]
        summaries = [json.loads((sweep / r / "summary.json").read_text()) for r in group["runs"]]
        assert cost["params"] == summaries[0]["generator_params"]
        rates = [_logged_median_rate(sweep / run) for run in group["runs"]]
        assert cost["train_images_per_s"] == pytest.approx(sum(rates) / 2)
        assert cost["gflops"] > 0 and cost["inference_ms"] > 0
    gflops = {g["label"]: g["cost"]["gflops"] for g in compared["groups"]}
    # a gated conv computes features and gates: about twice the standard conv's work
    assert gflops["model/block=gated"] > 1.5 * gflops["model/block=standard"]


def _logged_median_rate(run: Path) -> float:
    (events,) = run.glob("events.out.tfevents.*")
    accumulator = EventAccumulator(str(events), size_guidance={"scalars": 0})
    accumulator.Reload()
    return statistics.median(e.value for e in accumulator.Scalars("train/images_per_sec"))


def test_every_file_is_written(sweep, compared):
    for name in NAMES.values():
        assert (sweep / name).stat().st_size > 0
    markdown = (sweep / NAMES["markdown"]).read_text()
    assert "model/block=gated" in markdown and "±" in markdown
    assert "within seed spread" in markdown or "beyond seed spread" in markdown
    events = EventAccumulator(str(sweep / "compare"), size_guidance={"tensors": 0})
    events.Reload()
    assert any(tag.startswith("compare") for tag in events.Tags()["tensors"])


def test_a_second_run_reuses_the_cached_scores(sweep, compared, capsys):
    caches = sorted(sweep.glob(f"*/{CACHE_FILE}"))
    before = [p.stat().st_mtime_ns for p in caches]
    main([str(sweep), *COMPARE_ARGS, "--output-dir", str(sweep / "again")])
    assert [p.stat().st_mtime_ns for p in caches] == before
    again = json.loads((sweep / "again" / NAMES["json"]).read_text())
    assert [g["metrics"] for g in again["groups"]] == [g["metrics"] for g in compared["groups"]]


def _error(capsys, argv: list[str]) -> str:
    with pytest.raises(SystemExit) as exit_info:
        main([*argv, *COMPARE_ARGS])
    assert exit_info.value.code == 2
    message = capsys.readouterr().err.strip()
    assert len(message.splitlines()) == 1 and "Traceback" not in message
    return message


def test_unfinished_runs_are_an_error_or_left_out(sweep, tmp_path, capsys):
    copy = tmp_path / "sweep"
    for run in ("0_standard-transposed", "2_gated-transposed"):
        shutil.copytree(sweep / run, copy / run)
    (copy / "2_gated-transposed" / "summary.json").unlink()
    assert "has not finished" in _error(capsys, [str(copy)])
    main([str(copy), "--finished-only", *COMPARE_ARGS])
    (group,) = json.loads((copy / NAMES["json"]).read_text())["groups"]
    assert group["runs"] == ["0_standard-transposed"]
    assert "Left out, not finished: 2_gated-transposed" in (copy / NAMES["markdown"]).read_text()


def test_a_folder_without_runs_is_a_one_line_error(tmp_path, capsys):
    assert "holds no runs" in _error(capsys, [str(tmp_path)])


def test_a_run_without_weights_is_a_one_line_error(sweep, tmp_path, capsys):
    copy = tmp_path / "sweep"
    shutil.copytree(sweep / "0_standard-transposed", copy / "run")
    (copy / "run" / "checkpoints" / "last.ckpt").unlink()
    assert "last" in _error(capsys, [str(copy)])


def test_runs_with_different_data_are_a_one_line_error(sweep, tmp_path, capsys):
    copy = tmp_path / "sweep"
    for run in ("0_standard-transposed", "1_standard-transposed"):
        shutil.copytree(sweep / run, copy / run)
    config = copy / "1_standard-transposed" / ".hydra" / "config.yaml"
    config.write_text(config.read_text().replace("image_size: 32", "image_size: 64"))
    message = _error(capsys, [str(copy)])
    assert "differ in data.image_size (32 vs 64)" in message
    assert "1_standard-transposed" in message


def test_settings_an_older_run_lacks_do_not_count_as_a_difference(sweep, tmp_path, capsys):
    copy = tmp_path / "sweep"
    for run in ("0_standard-transposed", "1_standard-transposed"):
        shutil.copytree(sweep / run, copy / run)
    config = copy / "1_standard-transposed" / ".hydra" / "config.yaml"
    text = config.read_text()
    assert "  extra_train_dirs: []\n" in text  # a setting added after some runs were made
    config.write_text(text.replace("  extra_train_dirs: []\n", ""))
    main([str(copy), *COMPARE_ARGS])
    (group,) = json.loads((copy / NAMES["json"]).read_text())["groups"]
    assert len(group["runs"]) == 2
