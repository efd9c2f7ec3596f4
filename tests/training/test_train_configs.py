"""Every block x upsample trains (fast_dev_run); bad configs fail before training with a message."""

from pathlib import Path

import pytest
import torch

from inpaint.training.run import build, train
from inpaint.utils import ConfigError

CONFIGS = Path(__file__).parents[2] / "inpaint" / "configs"
BLOCKS = sorted(p.stem for p in (CONFIGS / "model" / "block").glob("*.yaml"))
UPSAMPLES = sorted(p.stem for p in (CONFIGS / "model" / "upsample").glob("*.yaml"))
EXPERIMENTS = sorted(p.stem for p in (CONFIGS / "experiment").glob("*.yaml"))


def test_config_folders_hold_every_variant():
    assert {"standard", "dilated", "partial", "gated", "deformable"} <= set(BLOCKS)
    assert set(UPSAMPLES) == {"transposed", "resize", "pixelshuffle"}


@pytest.mark.parametrize("upsample", UPSAMPLES)
@pytest.mark.parametrize("block", BLOCKS)
def test_fast_dev_run_every_block_and_upsample(make_cfg, block, upsample):
    cfg = make_cfg(
        f"model/block={block}", f"model/upsample={upsample}", "trainer.fast_dev_run=true"
    )
    summary = train(cfg)
    assert summary["block"] == cfg.model.block.name
    assert summary["global_step"] == 1
    assert summary["nonfinite_steps"] == 0


@pytest.mark.parametrize("gan", ["sn_patchgan", "patchgan"])
def test_gan_config_trains_both_networks(make_cfg, gan):
    cfg = make_cfg(f"gan={gan}", "trainer.fast_dev_run=true")
    module, _ = build(cfg)
    assert module.discriminator is not None and module.loss.uses_adversarial
    summary = train(cfg)
    assert summary["global_step"] == 2  # Lightning counts the D and the G optimizer steps


@pytest.mark.parametrize("gan", ["sn_patchgan", "patchgan"])
def test_generator_loss_scores_the_composite_without_touching_the_discriminator(make_cfg, gan):
    module, _ = build(make_cfg(f"gan={gan}", "loss.feature_matching_weight=10"))
    image, mask = torch.rand(2, 3, 32, 32), (torch.rand(2, 1, 32, 32) > 0.4).float()
    total, terms, prediction, composite = module.generator_loss(image, mask)
    torch.testing.assert_close(composite, torch.where(mask > 0.5, image, prediction))
    assert {"adversarial", "feature_matching"} <= set(terms)
    assert terms["feature_matching"] > 0
    total.backward()
    assert all(p.grad is None and p.requires_grad for p in module.discriminator.parameters())
    assert all(p.grad is not None for p in module.generator.parameters())


class TermRecordingLoss(torch.nn.Module):
    """Wraps a loss and records the names of the terms of every call."""

    def __init__(self, loss):
        super().__init__()
        self.inner = loss
        self.calls: list[set[str]] = []

    def forward(self, *args):
        total, terms = self.inner(*args)
        self.calls.append(set(terms))
        return total, terms


def test_discriminator_warmup_keeps_its_terms_out_of_the_first_generator_steps(make_cfg):
    import lightning as L

    cfg = make_cfg(
        "gan=patchgan", "model.discriminator_warmup_steps=2", "loss.feature_matching_weight=10"
    )
    module, datamodule = build(cfg)
    module.loss = TermRecordingLoss(module.loss)
    discriminator_before = [p.detach().clone() for p in module.discriminator.parameters()]
    trainer = L.Trainer(
        max_steps=8,  # 4 discriminator and 4 generator steps
        limit_val_batches=0,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
    )
    trainer.fit(module, datamodule=datamodule)
    adversarial = [{"adversarial", "feature_matching"} <= terms for terms in module.loss.calls]
    assert adversarial == [False, False, True, True]
    # the discriminator learned during the warm-up
    after = list(module.discriminator.parameters())
    assert any(not torch.equal(a, b) for a, b in zip(discriminator_before, after, strict=True))


@pytest.mark.parametrize("experiment", EXPERIMENTS)
def test_experiment_configs_run_on_a_tiny_folder(make_cfg, image_folder, experiment):
    cfg = make_cfg(
        f"experiment={experiment}",
        f"data.root={image_folder}",
        # the tiny folder has 6 images: hold out 2 (the pretrained recipe holds out 32)
        "data.train_dir=null",
        "data.val_dir=null",
        "data.val_count=2",
        # the GPU recipes add ../shared/datasets/extra_train, which tests must not need
        "data.extra_train_dirs=[]",
        # debug=tiny shrinks the generator: a continued model keeps only what fits
        "model.init_strict=false",
        "trainer.accelerator=cpu",
        "trainer.devices=1",
        "trainer.strategy=auto",
        "trainer.fast_dev_run=true",
    )
    assert train(cfg)["global_step"] >= 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["model.block.name=sparkly"], r"sparkly.*standard"),
        (["data.image_size=34"], r"data.image_size=34 must be divisible by 4"),
        (["loss.hole_weight=-1"], r"l1_hole must be >= 0"),
        (["data=folder", "data.root=/no/such/folder"], r"/no/such/folder"),
        (["model.nonfinite_loss=ignore"], r"nonfinite_loss"),
        (["loss.adversarial_weight=0.1"], r"discriminator"),
        (["loss.feature_matching_weight=1"], r"feature_matching_weight > 0 needs a discriminator"),
        (["gan=patchgan", "model.discriminator_warmup_steps=-1"], r"discriminator_warmup_steps"),
    ],
)
def test_bad_config_fails_before_training_with_its_message(make_cfg, overrides, message):
    with pytest.raises(ConfigError, match=message):
        build(make_cfg(*overrides))


class NaNAtFirstStepLoss(torch.nn.Module):
    """Wraps a loss and makes its first call non-finite."""

    def __init__(self, loss):
        super().__init__()
        self.inner = loss
        self.calls = 0

    @property
    def uses_adversarial(self):
        return self.inner.uses_adversarial

    def forward(self, *args):
        total, terms = self.inner(*args)
        self.calls += 1
        return (total * float("nan"), terms) if self.calls == 1 else (total, terms)


def _fit_with_nan_first_step(cfg):
    import lightning as L

    module, datamodule = build(cfg)
    module.loss = NaNAtFirstStepLoss(module.loss)
    before = {k: v.clone() for k, v in module.generator.state_dict().items()}
    trainer = L.Trainer(
        max_epochs=1,
        limit_train_batches=1,
        limit_val_batches=0,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
    )
    trainer.fit(module, datamodule=datamodule)
    return module, before, trainer


def test_nonfinite_loss_is_skipped_and_weights_untouched(make_cfg):
    module, before, trainer = _fit_with_nan_first_step(make_cfg("model.nonfinite_loss=skip"))
    assert module.nonfinite_steps == 1
    assert trainer.global_step == 0  # the batch made no optimizer step
    after = module.generator.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)


def test_nonfinite_loss_stops_when_asked(make_cfg):
    with pytest.raises(FloatingPointError, match="non-finite loss at step 0"):
        _fit_with_nan_first_step(make_cfg("model.nonfinite_loss=stop"))
