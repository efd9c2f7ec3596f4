"""ema=on: Lightning's EMAWeightAveraging with the module's manual optimisation, checked
against its formula step by step, across a resume, and in the exported weights."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from omegaconf import OmegaConf
from safetensors.torch import load_file

from inpaint.inference.export import export_run
from inpaint.training.run import train

DECAY = 0.6


def _ema_cfg(make_cfg, run: Path, steps: int, *extra: str):
    """Tiny run with the EMA and a checkpoint kept at every optimizer step."""
    return make_cfg(
        "ema=on",
        f"callbacks.ema.decay={DECAY}",
        "trainer.max_epochs=-1",
        f"trainer.max_steps={steps}",
        "+callbacks.every_step._target_=lightning.pytorch.callbacks.ModelCheckpoint",
        f"+callbacks.every_step.dirpath={run / 'steps'}",
        "+callbacks.every_step.every_n_train_steps=1",
        "+callbacks.every_step.save_top_k=-1",
        "+callbacks.every_step.filename='step{step}'",
        "+callbacks.every_step.auto_insert_metric_name=false",
        *extra,
        output_dir=run,
    )


def _save_config_like_hydra(cfg, run: Path) -> None:
    """The .hydra/config.yaml that export reads (Hydra's @main writes it)."""
    saved = OmegaConf.to_container(cfg)
    del saved["hydra"]
    (run / ".hydra").mkdir()
    OmegaConf.save(saved, run / ".hydra" / "config.yaml")


def _states(run: Path, step: int) -> tuple[dict, dict]:
    """(raw generator weights, their average) of the checkpoint at `step`."""
    checkpoint = torch.load(run / "steps" / f"step{step}.ckpt", weights_only=True)
    generator = {k: v for k, v in checkpoint["current_model_state"].items() if "generator." in k}
    return generator, {k: checkpoint["state_dict"][k] for k in generator}


def _check_formula(run: Path, steps: range, previous: dict | None) -> dict:
    """avg_k = decay * avg_(k-1) + (1 - decay) * w_k, and avg_1 = w_1; returns the last avg."""
    for step in steps:
        raw, average = _states(run, step)
        expected = (
            raw
            if previous is None
            else {k: DECAY * previous[k] + (1 - DECAY) * raw[k] for k in raw}
        )
        for name, value in expected.items():
            if value.is_floating_point():
                torch.testing.assert_close(average[name], value, msg=f"step {step}, {name}")
        previous = average
    return previous


def test_the_average_follows_its_formula_and_is_what_is_exported(make_cfg, tmp_path):
    run = tmp_path / "run"
    cfg = _ema_cfg(make_cfg, run, 4)
    train(cfg)
    _save_config_like_hydra(cfg, run)
    last = _check_formula(run, range(1, 5), None)
    raw, _ = _states(run, 4)
    assert any(not torch.equal(raw[k], last[k]) for k in raw if raw[k].is_floating_point())
    card = export_run(run, tmp_path / "ema.safetensors", which="last")
    exported = load_file(tmp_path / "ema.safetensors")
    for name, value in exported.items():
        # the export is float16
        expected = last[f"generator.{name}"].float()
        torch.testing.assert_close(value.float(), expected, atol=2e-3, rtol=2e-3)
    assert card["ema"] == {"decay": DECAY}
    assert json.loads((tmp_path / "ema.json").read_text())["ema"] == {"decay": DECAY}


def test_a_resumed_run_continues_the_same_average(make_cfg, tmp_path):
    run = tmp_path / "run"
    train(_ema_cfg(make_cfg, run, 2))
    average = _check_formula(run, range(1, 3), None)
    train(_ema_cfg(make_cfg, run, 4, "ckpt_path=last"))
    _check_formula(run, range(3, 5), average)


def test_without_ema_the_checkpoint_holds_only_the_raw_weights(make_cfg, tmp_path):
    run = tmp_path / "run"
    cfg = make_cfg("trainer.max_steps=1", output_dir=run)
    train(cfg)
    _save_config_like_hydra(cfg, run)
    checkpoint = torch.load(run / "checkpoints" / "last.ckpt", weights_only=True)
    assert "current_model_state" not in checkpoint
    card = export_run(run, tmp_path / "raw.safetensors", which="last")
    assert "ema" not in card


@pytest.mark.parametrize("decay", ["1.5", "-0.1"])
def test_a_decay_outside_0_1_is_a_config_error(make_cfg, tmp_path, decay):
    from inpaint.utils import ConfigError

    with pytest.raises(ConfigError, match=f"callbacks.ema: .*decay value {decay}"):
        train(make_cfg("ema=on", f"callbacks.ema.decay={decay}", output_dir=tmp_path / "r"))
