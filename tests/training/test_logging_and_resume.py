"""TensorBoard content, model summary, checkpoints, the final validation and resuming,
in-process."""

import json
from pathlib import Path

import pytest
import torch
from lightning.pytorch.utilities.model_summary import ModelSummary
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from inpaint.layers import count_flops
from inpaint.models import InpaintModule
from inpaint.training.run import FINAL_METRICS, build, train


def _events(run_dir: Path) -> EventAccumulator:
    accumulator = EventAccumulator(str(run_dir), size_guidance={"images": 0, "scalars": 0})
    accumulator.Reload()
    return accumulator


def test_tensorboard_holds_scalars_image_grid_internals_and_hparams(make_cfg, tmp_path):
    run = tmp_path / "run"
    train(make_cfg("model/block=gated", output_dir=run))
    events = _events(run)
    scalars = set(events.Tags()["scalars"])
    for tag in [
        "train/loss",
        "train/l1_valid",
        "train/l1_hole",
        "train/tv",
        "val/loss",
        "val/psnr",
        "val/ssim",
        "val/l1",
        "train/images_per_sec",
    ]:
        assert tag in scalars, tag
    assert any(tag.startswith("val_buckets/psnr_") for tag in scalars)
    assert any(tag.startswith("lr-") for tag in scalars)
    images = events.Tags()["images"]
    assert any(tag.startswith("val/examples") for tag in images)
    assert any(tag.startswith("internals/gate") for tag in images)
    grid = events.Images(next(t for t in images if t.startswith("val/examples")))[-1]
    # 2 logged samples x 5 columns of 32x32 with 2-px padding
    assert (grid.width, grid.height) == (5 * 34 + 2, 2 * 34 + 2)
    plugins = events.PluginTagToContent("hparams")
    assert "_hparams_/session_start_info" in plugins
    assert b"model/block/name" in plugins["_hparams_/session_start_info"]
    summary = json.loads((run / "summary.json").read_text())
    assert summary["metrics"]["val/psnr"] > 0 and summary["train_images_per_s"] > 0


def test_checkpoints_and_resume_continue_the_step_count(make_cfg, tmp_path):
    run = tmp_path / "run"
    first = train(make_cfg(output_dir=run))
    assert first["global_step"] == 2  # 4 samples / batch 2
    checkpoints = run / "checkpoints"
    assert (checkpoints / "last.ckpt").is_file()
    assert len(list(checkpoints.glob("best-*.ckpt"))) == 1
    assert not list(checkpoints.glob("*.tmp"))
    state = torch.load(checkpoints / "last.ckpt", map_location="cpu", weights_only=True)
    assert state["global_step"] == 2
    resumed = train(make_cfg("ckpt_path=last", "trainer.max_epochs=2", output_dir=run))
    assert resumed["global_step"] == 4
    state = torch.load(checkpoints / "last.ckpt", map_location="cpu", weights_only=True)
    assert state["global_step"] == 4
    assert state["lr_schedulers"][0]["last_epoch"] == 4


def test_a_run_ending_within_an_epoch_validates_at_its_last_step(make_cfg, tmp_path):
    run = tmp_path / "run"
    # 4 batches per epoch, 3 steps: no scheduled validation before the end
    summary = train(
        make_cfg("data.train_samples_per_epoch=8", "trainer.max_steps=3", output_dir=run)
    )
    assert summary["global_step"] == 3 and summary["metrics"]["val/psnr"] > 0
    (best,) = (run / "checkpoints").glob("best-*.ckpt")
    assert best.name == "best-epoch000-step000003.ckpt"


def test_hparams_are_logged_when_fit_starts(make_cfg, tmp_path, monkeypatch):
    def killed(self, batch, batch_idx):
        raise RuntimeError("killed")

    monkeypatch.setattr(InpaintModule, "training_step", killed)
    run = tmp_path / "run"
    with pytest.raises(RuntimeError, match="killed"):
        train(make_cfg(output_dir=run))
    plugins = _events(run).PluginTagToContent("hparams")
    assert b"model/block/name" in plugins["_hparams_/session_start_info"]
    assert all(tag.encode() in plugins["_hparams_/experiment"] for tag in FINAL_METRICS)
    assert "_hparams_/session_end_info" not in plugins


@pytest.mark.parametrize("block", ["fourier", "deformable"])
def test_the_model_summary_counts_every_blocks_flops(make_cfg, block):
    module, _ = build(make_cfg(f"model/block={block}"))
    expected = count_flops(module.generator, (1, 3, 32, 32), (1, 1, 32, 32))
    assert ModelSummary(module).total_flops == expected > 0
