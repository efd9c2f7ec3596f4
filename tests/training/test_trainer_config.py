"""configs/trainer: plain overrides of Lightning's arguments, and the settings refused before
anything is built."""

import pytest
import torch
from hydra.errors import ConfigCompositionException

from inpaint.training.run import train
from inpaint.utils import ConfigError


def test_trainer_arguments_override_without_a_plus(make_cfg):
    cfg = make_cfg("trainer.max_steps=3", "trainer.limit_val_batches=1", "trainer.precision=32")
    assert (cfg.trainer.max_steps, cfg.trainer.limit_val_batches) == (3, 1)


def test_a_misspelt_trainer_argument_is_hydras_error(make_cfg):
    with pytest.raises(ConfigCompositionException) as error:
        make_cfg("trainer.max_stepz=3")
    assert "Key 'max_stepz' is not in struct" in str(error.value.__cause__)


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("trainer.gradient_clip_val=0.5", r"gradient_clip_val=0.5: .*model.gradient_clip_norm"),
        ("trainer.gradient_clip_algorithm=value", r"gradient_clip_algorithm.*gradient_clip_norm"),
        ("trainer.accumulate_grad_batches=0", r"accumulate_grad_batches=0: expected an integer"),
        ("trainer.max_steps=-5", r"trainer: .*max_steps"),
    ],
)
def test_settings_that_cannot_work_are_refused_before_the_run_starts(
    make_cfg, tmp_path, override, message
):
    with pytest.raises(ConfigError, match=message):
        train(make_cfg(override))
    assert not (tmp_path / "run" / "checkpoints").exists()


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without a GPU")
def test_gpu_trainer_without_a_gpu_says_so_and_what_to_use(make_cfg, tmp_path):
    with pytest.raises(ConfigError, match=r"no GPU found.*trainer=default.*trainer=cpu"):
        train(make_cfg("trainer=gpu"))
    assert not (tmp_path / "run" / "checkpoints").exists()
