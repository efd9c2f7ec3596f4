"""Learning-rate schedules over steps, and over a wall-clock budget."""

import pytest
import torch

from inpaint.models import schedules


def _optimizer() -> torch.optim.Optimizer:
    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)


def _rates(scheduler, steps: int) -> list[float]:
    rates = []
    for _ in range(steps):
        rates.append(scheduler.get_last_lr()[0])
        scheduler.optimizer.step()
        scheduler.step()
    return rates


def test_warmup_cosine_warms_up_then_decays_to_its_floor():
    rates = _rates(schedules.warmup_cosine(_optimizer(), 100, 0.1, 0.05), 101)
    assert rates[:10] == pytest.approx([(i + 1) / 10 for i in range(10)])
    assert rates[10] == pytest.approx(1.0)
    assert rates[55] == pytest.approx(0.05 + 0.95 * 0.5)  # half-way through the cosine
    assert rates[100] == pytest.approx(0.05)


def _step(scheduler) -> float:
    """The learning rate after one more optimizer step."""
    scheduler.optimizer.step()
    scheduler.step()
    return scheduler.get_last_lr()[0]


def test_with_seconds_the_cosine_follows_the_clock_after_the_warmup(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(schedules.time, "monotonic", lambda: clock[0])
    scheduler = schedules.warmup_cosine(_optimizer(), 10_000, warmup_steps=4, seconds=60)
    assert scheduler.get_last_lr()[0] == pytest.approx(0.25)
    assert [_step(scheduler) for _ in range(3)] == pytest.approx([0.5, 0.75, 1.0])
    assert _step(scheduler) == pytest.approx(1.0)  # the warm-up is over: the clock starts
    clock[0] += 30
    assert _step(scheduler) == pytest.approx(0.05 + 0.95 * 0.5, rel=1e-3)
    clock[0] += 60
    assert _step(scheduler) == pytest.approx(0.05)


def test_with_seconds_the_cosine_ends_at_max_steps_if_they_come_first(monkeypatch):
    monkeypatch.setattr(schedules.time, "monotonic", lambda: 0.0)
    scheduler = schedules.warmup_cosine(_optimizer(), 12, warmup_steps=2, seconds=3600)
    rates = _rates(scheduler, 13)
    assert rates[7] == pytest.approx(0.05 + 0.95 * 0.5)
    assert rates[12] == pytest.approx(0.05)


def test_schedules_refuse_impossible_settings():
    with pytest.raises(ValueError, match="seconds must be > 0"):
        schedules.warmup_cosine(_optimizer(), 10, seconds=0)
    with pytest.raises(ValueError, match="min_lr_ratio"):
        schedules.warmup_cosine(_optimizer(), 10, min_lr_ratio=2)
    with pytest.raises(ValueError, match="warmup_steps"):
        schedules.warmup_cosine(_optimizer(), 10, warmup_steps=-1)
