"""ckpt_path: the checkpoint is checked before training, and resuming restores the run's own
config (command-line changes applied, architecture changes refused)."""

import pytest
import torch
from omegaconf import OmegaConf
from safetensors.torch import save_file

from inpaint.training.resume_config import SavedRun, merged_overrides, resumed_config
from inpaint.training.run import train
from inpaint.utils import ConfigError, compose_train_config


def test_last_without_a_checkpoint_names_the_folder_searched(make_cfg, tmp_path):
    with pytest.raises(ConfigError, match=f"no last.ckpt in {tmp_path / 'run' / 'checkpoints'}"):
        train(make_cfg("ckpt_path=last"))


def test_a_file_that_is_not_a_training_checkpoint_is_named(make_cfg, tmp_path):
    run = tmp_path / "run"
    train(make_cfg("trainer.max_steps=1", output_dir=run))
    real = (run / "checkpoints" / "last.ckpt").read_bytes()
    files = {
        "truncated.ckpt": lambda p: p.write_bytes(real[:100]),
        "notes.txt": lambda p: p.write_text("hello"),
        "weights.safetensors": lambda p: save_file({"w": torch.zeros(2)}, p),
        "plain.pt": lambda p: torch.save({"weights": torch.zeros(2)}, p),
    }
    expected = {
        "truncated.ckpt": "not a torch checkpoint",
        "notes.txt": "not a torch checkpoint",
        "weights.safetensors": "not a torch checkpoint",
        "plain.pt": "a torch file without state_dict and optimizer_states",
    }
    for name, write in files.items():
        path = tmp_path / name
        write(path)
        with pytest.raises(ConfigError) as error:
            train(make_cfg(f"ckpt_path={path}", output_dir=tmp_path / "other"))
        message = str(error.value)
        assert message.startswith(f"ckpt_path={path}: {expected[name]}"), message
        assert "expected a .ckpt" in message and "\n" not in message
    with pytest.raises(ConfigError, match=r"ckpt_path=.*missing.ckpt: no such file"):
        train(make_cfg(f"ckpt_path={tmp_path / 'missing.ckpt'}"))


def test_the_checkpoint_carries_the_run_config_and_overrides(make_cfg, tmp_path):
    run = tmp_path / "run"
    train(make_cfg("model/block=dilated", "trainer.max_steps=1", output_dir=run))
    checkpoint = torch.load(run / "checkpoints" / "last.ckpt", weights_only=True)
    assert checkpoint["run_config"]["config"]["model"]["block"]["name"] == "dilated"
    assert "model/block=dilated" in checkpoint["run_config"]["overrides"]


def _saved(*overrides: str) -> SavedRun:
    config = OmegaConf.to_container(compose_train_config(overrides))
    config["loss"]["tv_weight"] = 0.5  # as if the packaged default had changed since
    return SavedRun(config, list(overrides), "saved.ckpt")


def test_resuming_keeps_what_the_command_line_does_not_change(make_cfg):
    saved = _saved("model/block=dilated", "loss.hole_weight=5", "data.batch_size=8", "debug=tiny")
    given = make_cfg("ckpt_path=last", "trainer.max_epochs=3", "data.batch_size=2")
    cfg, overrides = resumed_config(given, saved)
    assert cfg.model.block.name == "dilated"  # saved override
    assert cfg.loss.hole_weight == 5  # saved override
    assert cfg.loss.tv_weight == 0.5  # saved value, no override anywhere
    assert cfg.data.batch_size == 2  # this command line sets it again
    assert cfg.trainer.max_epochs == 3  # changed by this command line
    assert cfg.ckpt_path == "last"
    assert overrides[:2] == ["model/block=dilated", "loss.hole_weight=5"]
    assert "trainer.max_epochs=3" in overrides and "data.batch_size=8" not in overrides


def test_resuming_refuses_an_architecture_change_naming_the_keys(make_cfg):
    saved = _saved("model/block=dilated", "model.generator.widths=[16,32,32]")
    given = make_cfg("ckpt_path=last", "model/block=gated", "model.generator.widths=[8,16,16]")
    with pytest.raises(ConfigError) as error:
        resumed_config(given, saved)
    message = str(error.value)
    assert "model.block.name (saved 'dilated', given 'gated')" in message
    assert "model.generator.widths (saved [16, 32, 32], given [8, 16, 16])" in message


def test_later_overrides_of_the_same_key_or_group_replace_earlier_ones():
    merged = merged_overrides(["model/block=dilated", "seed=1", "+x.y=2"], ["seed=3", "x.y=4"])
    assert merged == ["model/block=dilated", "seed=3", "x.y=4"]


def test_last_checkpoint_holds_the_final_step_between_two_scheduled_saves(make_cfg, tmp_path):
    cfg = make_cfg(
        "data.train_samples_per_epoch=40",
        "trainer.max_epochs=5",
        "trainer.max_steps=7",
        "callbacks.last_checkpoint.every_n_train_steps=2",
    )
    summary = train(cfg)
    last = torch.load(tmp_path / "run" / "checkpoints" / "last.ckpt", weights_only=True)
    assert summary["global_step"] == last["global_step"] == 7
