"""trainer.accumulate_grad_batches: the module sums the gradients of N batches per step."""

import copy

import lightning as L
import torch
from torch.utils.data import DataLoader

from inpaint.training.run import build, train

# SGD and no clipping: the update is proportional to the gradient, so a wrong scale shows
SGD = [
    "model.optimizer._target_=torch.optim.SGD",
    "~model.optimizer.betas",
    "model.optimizer.lr=0.1",
    "model.gradient_clip_norm=null",
]


def _batches(count: int) -> list[dict[str, torch.Tensor]]:
    generator = torch.Generator().manual_seed(0)
    images = torch.rand(count, 3, 32, 32, generator=generator)
    masks = (torch.rand(count, 1, 32, 32, generator=generator) > 0.4).float()
    return [{"image": images[i], "mask": masks[i]} for i in range(count)]


def _fit(module, samples, batch_size: int) -> None:
    trainer = L.Trainer(
        max_epochs=1,
        limit_val_batches=0,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
    )
    trainer.fit(module, train_dataloaders=DataLoader(samples, batch_size=batch_size))
    return trainer


def test_two_accumulated_batches_equal_one_step_on_both(make_cfg):
    accumulated, _ = build(make_cfg("trainer.accumulate_grad_batches=2", *SGD))
    whole = copy.deepcopy(accumulated)
    whole.accumulate_grad_batches = 1
    initial = copy.deepcopy(accumulated.generator.state_dict())
    samples = _batches(4)

    steps = _fit(accumulated, samples, batch_size=2).global_step
    assert _fit(whole, samples, batch_size=4).global_step == steps == 1
    for name, value in whole.generator.state_dict().items():
        torch.testing.assert_close(accumulated.generator.state_dict()[name], value)
    assert not torch.equal(initial["head.weight"], whole.generator.state_dict()["head.weight"])


class NaNAtFirstCall(torch.nn.Module):
    """The wrapped loss, non-finite at its first call."""

    def __init__(self, loss):
        super().__init__()
        self.inner, self.calls = loss, 0

    def forward(self, *args):
        self.calls += 1
        total, terms = self.inner(*args)
        return (total * float("nan"), terms) if self.calls == 1 else (total, terms)


def test_a_nonfinite_batch_is_left_out_of_the_accumulated_step(make_cfg):
    module, _ = build(make_cfg("trainer.accumulate_grad_batches=2", *SGD))
    module.loss = NaNAtFirstCall(module.loss)
    initial = copy.deepcopy(module.generator.state_dict())
    trainer = _fit(module, _batches(4), batch_size=2)
    assert module.nonfinite_steps == 1
    assert trainer.global_step == 1  # the second batch's gradient made the step
    assert not torch.equal(initial["head.weight"], module.generator.state_dict()["head.weight"])


def test_accumulation_with_a_discriminator(make_cfg):
    summary = train(
        make_cfg("gan=sn_patchgan", "trainer.accumulate_grad_batches=2", "trainer.max_steps=2")
    )
    # 2 batches, one step of each network
    assert summary["global_step"] == 2 and summary["nonfinite_steps"] == 0
