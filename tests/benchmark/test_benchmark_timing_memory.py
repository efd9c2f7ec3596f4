"""Interleaved timing, paired ratios, peak memory and target verdicts: their bookkeeping,
not the machine's speed."""

import time

import pytest
import torch

from inpaint.benchmark.inference import TELEA
from inpaint.benchmark.memory import peak_memory_bytes
from inpaint.benchmark.targets import Target, evaluate_targets
from inpaint.benchmark.timing import Timing, paired_ratio, time_interleaved
from inpaint.inference import default_model


def test_every_case_is_called_in_rounds_after_its_warmup():
    calls = []
    cases = {name: (lambda n=name: calls.append(n)) for name in ("a", "b")}
    timings = time_interleaved(cases, repeats=3, warmup=2)
    assert calls == ["a", "b"] * 5  # interleaved: a, b, a, b, ...
    assert all(t.repeats == 3 and t.number == 1 and t.median >= 0 for t in timings.values())


def test_fast_cases_are_called_several_times_per_sample():
    timings = time_interleaved({"noop": lambda: None}, repeats=2, min_sample_s=0.01)
    assert timings["noop"].number > 1


def test_slow_cases_sit_out_rounds_beyond_their_budget():
    cases = {"fast": lambda: None, "slow": lambda: time.sleep(0.02)}
    timings = time_interleaved(cases, repeats=4, budget_s=0.001, min_repeats=2)
    assert timings["fast"].repeats == 4
    assert timings["slow"].samples[2:] == [None, None]
    assert timings["slow"].repeats == 2
    assert paired_ratio(timings["slow"], timings["fast"]) > 1


def test_paired_ratio_is_the_median_of_per_round_ratios():
    case = Timing(number=1, samples=[2.0, 9.0, 3.0, None])
    reference = Timing(number=1, samples=[1.0, 3.0, 1.0, 5.0])
    assert paired_ratio(case, reference) == 3.0  # median of 2, 3, 3
    with pytest.raises(ValueError, match="share no timed round"):
        paired_ratio(Timing(1, [None]), Timing(1, [1.0]))


def test_peak_memory_counts_tensors_alive_at_once_not_their_sum():
    def work():
        a = torch.ones(2**20)  # 4 MiB
        del a
        b = torch.ones(2**19)  # 2 MiB, after a was freed
        return b

    peak = peak_memory_bytes(work, torch.device("cpu"))
    assert 4 * 2**20 <= peak < 6 * 2**20


def test_targets_give_pass_or_miss_and_mark_conv_rows():
    results = {
        "convs": {
            "rows": [
                {"variant": "standard", "stride": 1, "fwd_bwd_ratio": 1.0},
                {"variant": "partial", "stride": 1, "fwd_bwd_ratio": 1.25},
                {"variant": "separable", "stride": 1, "fwd_bwd_ratio": 1.0},
            ]
        },
        "training": {"efficiency": {"percent_of_kernel": 59.0}},
        "masks": {"rows": [{"generator": "free_form", "size": 256, "masks_per_s": 1000.0}]},
    }
    verdicts = evaluate_targets(results)
    assert [v["status"] for v in verdicts] == ["PASS", "MISS", "MISS", "PASS"]
    rows = results["convs"]["rows"]
    assert "status" not in rows[0]
    assert (rows[1]["target"], rows[1]["status"]) == ("<= 1.3", "PASS")
    assert str(Target("<", 1.0)) == "< 1"


def test_compiled_gated_and_default_model_against_telea_get_verdicts():
    default = f"pretrained {default_model()}"
    results = {
        "convs": {
            "rows": [
                {
                    "variant": "gated",
                    "stride": 1,
                    "fwd_bwd_ratio": 2.1,
                    "compiled_fwd_bwd_ratio": 2.05,
                },
                {"variant": "gated", "stride": 2, "fwd_bwd_ratio": 2.1},
            ]
        },
        "inference": {
            "rows": [
                {"method": default, "size": 256, "latency_ms": 40.0},
                {"method": TELEA, "size": 256, "latency_ms": 12.0},
                {"method": default, "size": 512, "latency_ms": 900.0},
                {"method": TELEA, "size": 512, "latency_ms": 30.0},
            ]
        },
    }
    verdicts = {v["target"]: v for v in evaluate_targets(results)}
    compiled = verdicts["gated conv fwd+bwd compiled / standard eager, stride 1"]
    assert (compiled["threshold"], compiled["measured"], compiled["status"]) == (
        "<= 2",
        2.05,
        "MISS",
    )
    assert not any("compiled" in t and "stride 2" in t for t in verdicts)
    telea = verdicts[f"{default} latency / OpenCV Telea's, 256x256, batch 1"]
    assert telea["measured"] == pytest.approx(40 / 12) and telea["status"] == "PASS"
    assert len(verdicts) == 4
