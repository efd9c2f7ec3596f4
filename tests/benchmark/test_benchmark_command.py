"""``scripts/benchmark.py --quick``: every section, row and target is there (speeds are not
tested; the quick run's shapes are too small to mean anything)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from inpaint.benchmark import main
from inpaint.benchmark.configs import block_names, mask_configs
from inpaint.benchmark.report import render_markdown
from inpaint.benchmark.targets import CONV_RATIO_TARGETS, MASK_RATE_TARGETS
from inpaint.inference import available_models

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    """(results returned by main, JSON written, markdown written) of one quick run."""
    out = tmp_path_factory.mktemp("benchmark")
    threads = torch.get_num_threads()
    results = main(["--quick", "--json", str(out / "b.json"), "--markdown", str(out / "b.md")])
    assert torch.get_num_threads() == threads  # main restores the caller's thread count
    return results, json.loads((out / "b.json").read_text()), (out / "b.md").read_text()


def test_json_holds_what_main_returns_with_machine_and_command(quick):
    results, written, _ = quick
    assert written == json.loads(json.dumps(results))
    sections = {"convs", "upsampling", "training", "inference", "masks"}
    assert sections | {"machine", "targets"} <= set(written)
    machine = written["machine"]
    for key in ("cpu", "cores", "torch", "torch_threads", "device", "load_average_start"):
        assert key in machine
    assert machine["torch_threads"] == 1  # --quick runs on one thread
    assert written["command"].startswith("python scripts/benchmark.py --quick")
    assert written["mode"] == "quick"


def test_conv_rows_cover_every_block_and_stride_with_ratios_to_standard(quick):
    rows = quick[1]["convs"]["rows"]
    strides = quick[1]["convs"]["settings"]["strides"]
    assert [(r["variant"], r["stride"]) for r in rows] == [
        (b, s) for s in strides for b in block_names()
    ]
    for row in rows:
        assert row["params"] > 0 and row["flops"] > 0 and row["peak_memory_mb"] > 0
        assert row["forward_ms"] > 0 and row["fwd_bwd_ms"] > 0
        assert row["forward_ratio"] > 0 and row["fwd_bwd_ratio"] > 0
        if row["variant"] == "standard":
            assert row["fwd_bwd_ratio"] == row["forward_ratio"] == 1.0
        assert ("status" in row) == (row["variant"] in CONV_RATIO_TARGETS)


def test_training_rows_and_kernel_efficiency(quick):
    training = quick[1]["training"]
    assert [r["block"] for r in training["rows"]] == block_names()
    for row in training["rows"]:
        assert row["images_per_s"] > 0 and row["time_ratio"] > 0 and row["step_ms"] > 0
    efficiency = training["efficiency"]
    for key in ("step_gflops_per_s", "kernel_gflops_per_s", "percent_of_kernel", "mm_gflops_per_s"):
        assert efficiency[key] > 0
    assert efficiency["step_flops"] > efficiency["kernel_flops"] > 0


def test_inference_rows_label_fresh_generators_and_telea(quick):
    inference = quick[1]["inference"]
    methods = {r["method"] for r in inference["rows"]}
    shipped = {f"pretrained {name}" for name in available_models() if name in block_names()}
    assert shipped | {f"fresh {b}" for b in block_names()} <= methods
    assert inference["reference"] == "fresh standard"
    assert ("opencv_telea" in methods) == _has_cv2()
    sizes = inference["settings"]["sizes"]
    assert {r["size"] for r in inference["rows"]} == set(sizes)
    assert all(r["latency_ms"] > 0 and r["ratio"] > 0 for r in inference["rows"])


def _has_cv2() -> bool:
    try:
        import cv2  # noqa: F401
    except ImportError:
        return False
    return True


def test_mask_rows_and_every_target_has_a_verdict(quick):
    written = quick[1]
    assert [r["generator"] for r in written["masks"]["rows"]] == list(mask_configs())
    strides = written["convs"]["settings"]["strides"]
    expected = len(CONV_RATIO_TARGETS) * len(strides) + 1 + len(MASK_RATE_TARGETS)
    assert len(written["targets"]) == expected
    assert {v["status"] for v in written["targets"]} <= {"PASS", "MISS"}


def test_markdown_has_a_table_row_per_measurement(quick):
    _, written, markdown = quick
    assert "Quick run" in markdown
    for heading in (
        "## Targets",
        "## One conv per variant",
        "## Upsampling layers",
        "## Training step",
        "## Inference",
    ):
        assert heading in markdown
    for row in written["convs"]["rows"]:
        assert f"| {row['variant']} | {row['stride']} |" in markdown
    for row in written["upsampling"]["rows"]:
        size = row["input_size"]
        assert f"| {row['layer']} | {size}x{size} | {row['params']:,} |" in markdown
        assert f"| {row['flop_ratio']:.2f} |" in markdown  # beside the time ratios
    for row in written["masks"]["rows"]:
        assert f"| {row['generator']} |" in markdown
    for verdict in written["targets"]:
        assert f"| {verdict['target']} | {verdict['threshold']} |" in markdown


def test_command_line_runs_one_section_and_rejects_unknown_blocks(tmp_path):
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    script = [sys.executable, str(ROOT / "scripts" / "benchmark.py"), "--quick"]
    out = tmp_path / "masks.json"
    result = subprocess.run(
        [*script, "--sections", "masks", "--json", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "## Mask generation" in result.stdout
    assert set(json.loads(out.read_text())) >= {"machine", "masks", "targets"}
    bad = subprocess.run(
        [*script, "--blocks", "no_such_block"], env=env, capture_output=True, text=True, timeout=300
    )
    assert bad.returncode != 0
    assert "unknown model/block ['no_such_block']" in bad.stderr


def test_overrides_reach_the_composed_configs_and_bad_ones_exit_with_hydras_reason(tmp_path):
    out = tmp_path / "b.json"
    results = main(
        ["--quick", "--sections", "training", "--blocks", "standard", "--json", str(out)]
        + ["--override", "model.generator.widths=[8,16]", "model.generator.context_dilations=[]"]
    )
    assert [r["block"] for r in results["training"]["rows"]] == ["standard"]
    assert results["training"]["rows"][0]["params"] < 20_000  # the tiny widths were used
    with pytest.raises(SystemExit, match="Could not find 'model/upsample/nope'"):
        main(["--quick", "--sections", "masks", "--override", "model/upsample=nope"])


@pytest.mark.slow
def test_compile_adds_compiled_timings_beside_eager_ones(tmp_path):
    out = tmp_path / "c.json"
    results = main(
        ["--quick", "--sections", "convs", "--blocks", "gated", "--compile", "--json", str(out)]
    )
    rows = results["convs"]["rows"]
    assert {r["variant"] for r in rows} == {"standard", "gated"}
    verdicts = [v["target"] for v in results["targets"]]
    assert "gated conv fwd+bwd compiled / standard eager, stride 1" in verdicts
    for row in rows:
        assert row["compiled_fwd_bwd_ms"] > 0 and row["compile_s"] > 0
        assert row["fwd_bwd_ms"] > 0  # the eager timing stays
    standard = [r for r in rows if r["variant"] == "standard"]
    assert all(r["compiled_fwd_bwd_ratio"] > 0 for r in standard)
    assert "| compiled fwd+bwd x std |" in render_markdown(results)


@pytest.mark.slow
def test_compile_times_the_compiled_standard_training_step(tmp_path):
    args = ["--quick", "--sections", "training", "--blocks", "standard", "--compile"]
    results = main([*args, "--json", str(tmp_path / "t.json")])
    blocks = [r["block"] for r in results["training"]["rows"]]
    assert blocks == ["standard", "standard compiled"]
    efficiency = results["training"]["efficiency"]
    assert efficiency["compiled_percent_of_kernel"] > 0 and efficiency["compile_s"] > 0
    assert sum("compiled" in v["target"] for v in results["targets"]) == 1
    assert "under `torch.compile` (compiled in" in render_markdown(results)
