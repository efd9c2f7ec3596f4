"""The upsampling section at tiny sizes: a row per upsampler beside the standard conv, with the
parameters and FLOPs of their formulas (speeds are not tested)."""

import pytest
import torch

from inpaint.benchmark import main
from inpaint.benchmark.settings import ConvSettings, TimingSettings
from inpaint.benchmark.upsampling import benchmark_upsampling, upsample_names
from inpaint.layers import available_upsamples

N, C, SIZE = 2, 8, 12  # output 12x12, upsampler input 6x6
SETTINGS = ConvSettings(
    batch=N,
    channels=C,
    size=SIZE,
    kernel_size=3,
    strides=(1,),
    timing=TimingSettings(repeats=2, min_repeats=1),
)
STANDARD = {"name": "standard"}


def _masks(size: int = SIZE) -> torch.Tensor:
    generator = torch.Generator().manual_seed(0)
    return (torch.rand(N, 1, size, size, generator=generator) > 0.3).float()


@pytest.fixture(scope="module")
def rows():
    cpu = torch.device("cpu")
    return benchmark_upsampling(STANDARD, _masks(), SETTINGS, cpu, seed=0, sync=lambda: None)


def test_a_row_per_upsampler_after_the_standard_reference(rows):
    assert sorted(upsample_names()) == available_upsamples()
    assert upsample_names()[0] == "transposed"  # the decoder's default first
    assert [r["layer"] for r in rows] == ["standard", *upsample_names()]
    for row in rows:
        assert row["output_size"] == SIZE
        assert row["input_size"] == (SIZE if row["layer"] == "standard" else SIZE // 2)
        assert row["forward_ms"] > 0 and row["fwd_bwd_ms"] > 0 and row["peak_memory_mb"] > 0
        assert row["forward_ratio"] > 0 and row["fwd_bwd_ratio"] > 0
        assert row["repeats"] == 2
        assert "compile_s" not in row
    assert rows[0]["forward_ratio"] == rows[0]["fwd_bwd_ratio"] == rows[0]["flop_ratio"] == 1.0


def test_params_and_flops_follow_the_formulas(rows):
    h = w = SIZE // 2  # the upsamplers' input grid
    # (params, forward FLOPs of the batch): 2 per multiply-accumulate, biases not counted
    expected = {
        # 3x3 conv at the output grid (the reference and resize-conv)
        "standard": (C * C * 9 + C, N * 2 * C * C * 9 * (2 * h) * (2 * w)),
        "resize": (C * C * 9 + C, N * 2 * C * C * 9 * (2 * h) * (2 * w)),
        # 4x4 transposed conv, stride 2, at the input grid
        "transposed": (C * C * 16 + C, N * 2 * C * C * 16 * h * w),
        # 3x3 conv to 4 C channels at the input grid
        "pixelshuffle": (4 * (C * C * 9 + C), N * 2 * C * (4 * C) * 9 * h * w),
    }
    assert {r["layer"]: (r["params"], r["flops"]) for r in rows} == expected
    ratios = {r["layer"]: r["flop_ratio"] for r in rows}
    assert ratios == pytest.approx(
        {"standard": 1, "transposed": 16 / 36, "resize": 1, "pixelshuffle": 1}
    )


@pytest.mark.slow
def test_compiled_adds_compiled_timings_beside_eager_ones():
    cpu = torch.device("cpu")
    rows = benchmark_upsampling(STANDARD, _masks(), SETTINGS, cpu, 0, lambda: None, compiled=True)
    assert [r["layer"] for r in rows] == ["standard", *upsample_names()]
    for row in rows:
        assert row["compiled_forward_ms"] > 0 and row["compiled_fwd_bwd_ms"] > 0
        assert row["compiled_fwd_bwd_ratio"] > 0 and row["compile_s"] > 0
        assert row["fwd_bwd_ms"] > 0  # the eager timing stays


def test_an_odd_output_size_is_refused():
    odd = ConvSettings(N, C, 7, 3, (1,), SETTINGS.timing)
    with pytest.raises(ValueError, match="divisible by 2"):
        benchmark_upsampling(STANDARD, _masks(7), odd, torch.device("cpu"), 0, lambda: None)


def test_the_section_runs_alone_from_the_command_line(tmp_path, capsys):
    results = main(["--quick", "--sections", "upsampling", "--json", str(tmp_path / "u.json")])
    assert set(results) == {"machine", "upsampling", "command", "mode", "seconds", "targets"}
    assert results["targets"] == []
    markdown = capsys.readouterr().out
    assert "## Upsampling layers" in markdown
    assert "## Targets" not in markdown  # no section run has a target
