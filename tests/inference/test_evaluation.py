"""Evaluation: the same split as training, fixed bucket masks, metrics on composites, reports."""

import json
import sys

import numpy as np
import pytest
import torch
from PIL import Image

from inpaint.cli.evaluate import main
from inpaint.data import InpaintDataModule, sample_files
from inpaint.evaluation import (
    NetworkMethod,
    bucket_masks,
    evaluate,
    load_square,
    markdown_report,
    select_files,
)
from inpaint.metrics import bucket_names
from inpaint.metrics.bucketed import per_image_metrics


class GreyFill:
    """Fills every pixel with grey 128 (the evaluation must keep the known ones)."""

    name, params = "grey", 0

    def __call__(self, images, holes):
        return np.full_like(images, 128)


def test_the_held_out_split_is_the_one_training_uses(image_folder):
    assert select_files(None) == sample_files("val")
    assert select_files(image_folder) == sorted(image_folder.glob("*.png"))
    datamodule = InpaintDataModule(root=str(image_folder), val_count=2, seed=5)
    assert select_files(image_folder, val_count=2, seed=5) == datamodule.val_files
    assert select_files(image_folder, val_count=2, seed=6) != datamodule.val_files
    with pytest.raises(ValueError, match="give the folder too"):
        select_files(None, val_count=2)


def test_square_images_by_resize_or_native_crop(tmp_path):
    pixels = np.random.default_rng(0).integers(0, 256, size=(40, 60, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(tmp_path / "a.png")
    assert load_square(tmp_path / "a.png", 32, "resize").shape == (32, 32, 3)
    np.testing.assert_array_equal(load_square(tmp_path / "a.png", 32, "crop"), pixels[4:36, 14:46])
    assert load_square(tmp_path / "a.png", 64, "crop").shape == (64, 64, 3)  # upsized first
    with pytest.raises(ValueError, match="fit must be one of"):
        load_square(tmp_path / "a.png", 32, "stretch")


def test_bucket_masks_are_fixed_and_in_their_bucket():
    masks = bucket_masks(64, image_index=3, per_bucket=2, seed=1)
    assert [name for name, _ in masks] == [b for b in bucket_names() for _ in range(2)]
    for name, holes in masks:
        low, high = map(float, name.split("-"))
        assert low <= holes.mean() <= high and holes.shape == (64, 64)
    again = bucket_masks(64, image_index=3, per_bucket=1, seed=1)
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(again, masks[::2], strict=True))
    other = bucket_masks(64, image_index=4, per_bucket=1, seed=1)
    assert not any(np.array_equal(a[1], b[1]) for a, b in zip(again, other, strict=True))


def test_metrics_are_per_bucket_on_the_composite(tiny_weights):
    rng = np.random.default_rng(0)
    images = [rng.integers(0, 256, size=(32, 32, 3), dtype=np.uint8) for _ in range(3)]
    network = NetworkMethod(tiny_weights, device="cpu")
    result = evaluate([GreyFill(), network], images, masks_per_bucket=2, seed=0, batch_size=5)
    assert result.counts == {b: 6 for b in bucket_names()}
    bucket = "0.2-0.3"
    masks = [(i, h) for i in range(3) for b, h in bucket_masks(32, i, 2, 0) if b == bucket]
    targets = np.stack([images[i] for i, _ in masks])
    composite = np.where(np.stack([h for _, h in masks])[..., None], 128, targets)
    expected = per_image_metrics(
        torch.from_numpy(composite).permute(0, 3, 1, 2).float() / 255,
        torch.from_numpy(targets).permute(0, 3, 1, 2).float() / 255,
    )
    for metric, values in expected.items():
        assert result.metrics["grey"][bucket][metric] == pytest.approx(values.mean().item())
    for name in ("grey", "tiny"):
        assert result.ms_per_image[name] > 0
        psnr = [result.metrics[name][b]["psnr"] for b in result.buckets]
        assert psnr[0] > psnr[-1]  # more hole, less PSNR
    assert result.params == {"grey": 0, "tiny": network.params}
    example = result.examples["0.01-0.1"]
    assert set(example) == {"masked", "target", "grey", "tiny"}
    np.testing.assert_array_equal(example["target"], images[0])
    report = markdown_report(result, "two methods", "inpaint-evaluate")
    assert "| grey |" in report and "| tiny |" in report and "Against" not in report
    with pytest.raises(ValueError, match="names must differ"):
        evaluate([GreyFill(), GreyFill()], images)


def _run(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    return exit_info.value.code, capsys.readouterr().err


def test_command_line_writes_table_chart_grid_and_json(image_folder, tiny_weights, tmp_path):
    out = tmp_path / "eval"
    argv = ["--root", str(image_folder), "--val-count", "2", "--seed", "0", "--size", "32"]
    argv += ["--models", str(tiny_weights), "--masks-per-bucket", "1", "--output-dir", str(out)]
    main(argv)
    results = json.loads((out / "results.json").read_text())
    assert list(results["metrics"]) == ["tiny", "opencv-telea", "opencv-ns"]
    assert results["settings"]["files"] == [
        str(f) for f in InpaintDataModule(root=str(image_folder), val_count=2, seed=0).val_files
    ]
    assert results["samples_per_bucket"] == {b: 2 for b in bucket_names()}
    report = (out / "results.md").read_text()
    assert "inpaint-evaluate --root" in report and "## Against opencv-telea" in report
    assert "| opencv-ns |" in report and "](results_chart.png)" in report
    with Image.open(out / "results_examples.png") as grid:
        assert grid.height > 6 * 32 and grid.width > 5 * 32  # 6 buckets x (masked, 3, target)
    with Image.open(out / "results_chart.png") as chart:
        assert chart.width > chart.height


def test_without_opencv_the_output_says_so(
    image_folder, tiny_weights, tmp_path, monkeypatch, capsys
):
    monkeypatch.setitem(sys.modules, "cv2", None)  # import cv2 -> ImportError
    out = tmp_path / "eval"
    argv = ["--root", str(image_folder), "--size", "16", "--masks-per-bucket", "1"]
    main([*argv, "--models", str(tiny_weights), "--output-dir", str(out)])
    assert "OpenCV baselines skipped" in capsys.readouterr().out
    assert "OpenCV baselines skipped" in (out / "results.md").read_text()
    assert list(json.loads((out / "results.json").read_text())["metrics"]) == ["tiny"]
    code, err = _run([*argv, "--models", "--output-dir", str(out)], capsys)
    assert code == 2 and "nothing to evaluate" in err


def test_bad_arguments_exit_2_with_the_reason(tmp_path, capsys):
    code, err = _run(["--val-count", "2"], capsys)
    assert code == 2 and "give the folder too" in err
    code, err = _run(["--root", str(tmp_path / "nowhere")], capsys)
    assert code == 2 and "image folder not found" in err
    code, err = _run(["--masks-per-bucket", "0"], capsys)
    assert code == 2 and "--masks-per-bucket must be >= 1" in err
