"""A real (tiny, 1-epoch) training run exported to safetensors + card, and loaded back."""

import hashlib
import json
import runpy
import time
from pathlib import Path

import pytest
import torch
from omegaconf import OmegaConf, open_dict
from torch.utils.tensorboard import SummaryWriter

from inpaint.inference import load_pretrained
from inpaint.inference.export import export_run, training_wall_time
from inpaint.training.run import train

EXPORT_SCRIPT = Path(__file__).parents[2] / "scripts" / "export_pretrained.py"


def _save_like_hydra(cfg, run: Path, overrides: list[str]) -> None:
    """What Hydra's @main writes into a run directory before training."""
    saved = cfg.copy()
    with open_dict(saved):
        del saved["hydra"]
    (run / ".hydra").mkdir(parents=True)
    OmegaConf.save(saved, run / ".hydra" / "config.yaml")
    OmegaConf.save(OmegaConf.create(overrides), run / ".hydra" / "overrides.yaml")


def test_exported_run_loads_and_predicts_like_its_checkpoint(make_cfg, tmp_path, capsys):
    run = tmp_path / "run"
    overrides = ["model/block=gated", "model/upsample=resize"]
    cfg = make_cfg(*overrides, output_dir=run)
    _save_like_hydra(cfg, run, overrides)
    summary = train(cfg)
    export = runpy.run_path(str(EXPORT_SCRIPT), run_name="export_pretrained")["main"]
    out = tmp_path / "weights"
    export([str(run), "--out-dir", str(out), "--data", "random noise", "--data-terms", "none"])

    weights, card_path = out / "gated.safetensors", out / "gated.json"
    card = json.loads(card_path.read_text())
    assert card["name"] == "gated" and card["data"] == "random noise"
    assert card["checkpoint"]["file"] == "last.ckpt" and card["checkpoint"]["global_step"] == 2
    assert card["generator"]["block"]["name"] == "gated"
    assert set(overrides) <= set(card["training"]["overrides"])  # as the checkpoint records them
    assert card["training"]["loss"]["hole_weight"] == 6.0
    assert card["validation_metrics"] == summary["metrics"]
    assert 0 < card["wall_time_s"] < 600
    assert "initialized_from" not in card  # trained from scratch

    # the checkpoint is read with weights_only=True; its generator predicts like the export
    state = torch.load(run / "checkpoints" / "last.ckpt", map_location="cpu", weights_only=True)
    model = load_pretrained(weights, device="cpu")
    reference = load_pretrained(weights, device="cpu").generator
    reference.load_state_dict(
        {
            k.removeprefix("generator."): v
            for k, v in state["state_dict"].items()
            if "generator." in k
        }
    )
    image, known = torch.rand(1, 3, 32, 32), (torch.rand(1, 1, 32, 32) > 0.4).float()
    with torch.no_grad():
        assert torch.allclose(model.generator(image, known), reference(image, known), atol=5e-3)

    with pytest.raises(SystemExit) as exit_info:
        export([str(run), "--out-dir", str(out), "--name", "big", "--max-mb", "0.01"])
    assert exit_info.value.code == 2
    assert "over the limit" in capsys.readouterr().err
    assert not (out / "big.safetensors").exists() and not (out / "big.json").exists()

    before = weights.read_bytes()
    with pytest.raises(SystemExit):
        export([str(run), "--out-dir", str(out), "--which", "best"])
    assert f"{weights} exists; pass --force to replace it" in capsys.readouterr().err
    assert weights.read_bytes() == before
    export([str(run), "--out-dir", str(out), "--which", "best", "--force"])
    assert json.loads(card_path.read_text())["checkpoint"]["file"].startswith("best-")

    truncated = tmp_path / "truncated.ckpt"
    truncated.write_bytes((run / "checkpoints" / "last.ckpt").read_bytes()[:100])
    with pytest.raises(SystemExit):
        export([str(run), "--out-dir", str(out), "--name", "t", "--which", str(truncated)])
    assert f"{truncated} is not a readable training checkpoint" in capsys.readouterr().err

    best = export_run(run, tmp_path / "best.safetensors", which="best")
    assert best["checkpoint"]["file"].startswith("best-")
    assert best["validation_metrics"]["val/psnr"] == pytest.approx(summary["metrics"]["val/psnr"])


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _train_and_export(make_cfg, run: Path, weights: Path, *overrides: str) -> dict:
    """Train a tiny run and export its last checkpoint to `weights` (named "tiny")."""
    cfg = make_cfg(*overrides, output_dir=run)
    _save_like_hydra(cfg, run, list(overrides))
    train(cfg)
    return export_run(run, weights, which="last", extra_card={"name": "tiny"})


def test_the_card_of_a_continued_run_names_its_source_and_theirs(make_cfg, tmp_path):
    weights = tmp_path / "weights" / "tiny.safetensors"
    continue_it = f"model.init_from={weights}"
    scratch = _train_and_export(make_cfg, tmp_path / "scratch", weights)
    scratch_sha256 = _sha256(weights)
    assert "initialized_from" not in scratch

    # exported over its source: the lineage describes the source at the start of training
    continued = _train_and_export(make_cfg, tmp_path / "continued", weights, continue_it)
    lineage = continued["initialized_from"]
    assert lineage == json.loads((tmp_path / "continued" / "init_from.json").read_text())
    assert lineage["sha256"] == scratch_sha256 != _sha256(weights)
    assert lineage["init_from"] == str(weights) and lineage["strict"] is True
    assert lineage["tensors_fresh"] == 0
    assert lineage["source"] == {
        "name": "tiny",
        "global_step": scratch["checkpoint"]["global_step"],
        "max_steps": scratch["training"]["max_steps"],
        "lr": scratch["training"]["optimizer"]["lr"],
        "wall_time_s": scratch["wall_time_s"],
        "validation_metrics": {
            k: scratch["validation_metrics"][k] for k in ("val/psnr", "val/ssim")
        },
    }

    again = _train_and_export(
        make_cfg, tmp_path / "again", weights, continue_it, "trainer.fast_dev_run=true"
    )
    assert again["initialized_from"]["source"]["initialized_from"] == lineage  # the chain


def test_export_of_a_missing_run_names_what_is_missing(tmp_path, capsys):
    export = runpy.run_path(str(EXPORT_SCRIPT), run_name="export_pretrained")["main"]
    with pytest.raises(SystemExit) as exit_info:
        export([str(tmp_path / "no_run"), "--out-dir", str(tmp_path)])
    assert exit_info.value.code == 2
    assert "no_run/.hydra/config.yaml not found" in capsys.readouterr().err


def test_wall_time_adds_up_process_spans_without_the_gaps(tmp_path, monkeypatch):
    spans = [(".a", 100, [110]), (".b", 105, [120]), (".c", 200, [205, 210])]
    for suffix, created, logged in spans:
        with monkeypatch.context() as patch:
            patch.setattr(time, "time", lambda created=created: created)
            writer = SummaryWriter(tmp_path, filename_suffix=suffix)
        for step, wall_time in enumerate(logged):
            writer.add_scalar("train/loss", 1.0, step, walltime=wall_time)
        writer.close()
    assert training_wall_time(tmp_path) == 30.0  # 100-120 and 200-210
    assert training_wall_time(tmp_path / "empty") is None
