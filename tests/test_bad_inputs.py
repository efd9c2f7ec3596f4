"""What users feed the commands and the API by mistake: each case gets a one-line error naming
the file or value and what is expected (exit status 2 on the command line, no traceback), or
its documented fallback, and nothing already written is damaged."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from inpaint.cli import evaluate as evaluate_cli
from inpaint.cli import predict as predict_cli
from inpaint.data import file_array_from_holes
from inpaint.data.image_io import ImageTooLargeError, open_image
from inpaint.inference import load_pretrained, save_generator
from inpaint.models import UNetGenerator

TINY = {"block": "standard", "upsample": "resize", "widths": [8, 16], "context_dilations": []}
W, H = 24, 20


def _photo(path: Path, size=(W, H), mode="RGB") -> Path:
    pixels = np.random.default_rng(0).integers(0, 256, size=(size[1], size[0], 3), dtype=np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels).convert(mode).save(path)
    return path


def _mask(path: Path, size=(W, H)) -> Path:
    holes = np.zeros((size[1], size[0]), dtype=bool)
    holes[4:10, 6:14] = True
    Image.fromarray(file_array_from_holes(holes)).save(path)
    return path


@pytest.fixture
def files(tmp_path, huge_png) -> dict[str, Path]:
    """A photo, its mask, a tiny model, an existing output, and broken files of every kind."""
    torch.manual_seed(0)
    model = tmp_path / "tiny.safetensors"
    save_generator(UNetGenerator(**TINY), {"generator": TINY}, model)
    random_weights = tmp_path / "random.safetensors"
    random_weights.write_bytes(np.random.default_rng(0).bytes(300))
    random_weights.with_suffix(".json").write_text(f'{{"generator": {TINY}}}'.replace("'", '"'))
    photo = _photo(tmp_path / "photo.png")
    truncated = tmp_path / "truncated.png"
    truncated.write_bytes(photo.read_bytes()[:60])
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    wide_mask = tmp_path / "wide_mask.png"
    Image.new("L", (W, H // 2), 255).save(wide_mask)
    existing = tmp_path / "out" / "existing.png"
    _photo(existing)
    huge = huge_png
    return {
        "huge": huge,
        "model": model,
        "random_weights": random_weights,
        "photo": photo,
        "mask": _mask(tmp_path / "photo_mask.png"),
        "truncated": truncated,
        "empty": empty,
        "text": text,
        "wide_mask": wide_mask,
        "existing": existing,
        "tmp": tmp_path,
    }


def _one(image: str, mask: str = "mask", model: str = "model", out: str | None = None):
    """argv builder for one image: each argument a key of `files`, or else a path or name."""

    def argv(f):
        output = f["tmp"] / "out" / "result.png" if out is None else f[out]
        return [
            *("--image", str(f.get(image, image)), "--mask", str(f.get(mask, mask))),
            *("--out", str(output), "--model", str(f.get(model, model))),
        ]

    return argv


def _folder_with_a_huge_image(f):
    folder = f["tmp"] / "huge_folder"
    folder.mkdir()
    (folder / "huge.png").write_bytes(f["huge"].read_bytes())
    (folder / "huge_mask.png").write_bytes(f["huge"].read_bytes())
    out = f["tmp"] / "o"
    return ["--input-dir", str(folder), "--output-dir", str(out), "--model", str(f["model"])]


def _folder_with_unmatched_names(f):
    folder = f["tmp"] / "unmatched"
    _photo(folder / "a.png")
    _mask(folder / "b_mask.png")
    return ["--input-dir", str(folder), "--output-dir", str(f["tmp"] / "o"), "--model", "x"]


def _folder_with_a_corrupt_image(f):
    folder = f["tmp"] / "mixed"
    for name in ("good", "bad"):
        _photo(folder / f"{name}.png")
        _mask(folder / f"{name}_mask.png")
    (folder / "bad.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    return ["--input-dir", str(folder), "--output-dir", str(f["tmp"] / "filled")] + [
        "--model",
        str(f["model"]),
    ]


# (case, argv builder, expected message built from the files)
PREDICT_CASES: list[tuple[str, Callable, Callable]] = [
    ("truncated image", _one("truncated"), lambda f: f"cannot read image {f['truncated']}"),
    ("0-byte image", _one("empty"), lambda f: f"cannot read image {f['empty']}"),
    ("text file named .png", _one("text"), lambda f: f"cannot read image {f['text']}"),
    ("missing image", _one("nothing"), lambda f: "image file not found: nothing"),
    (
        "mask of another aspect ratio",
        _one("photo", "wide_mask"),
        lambda f: f"mask {f['wide_mask']} size 24x10 has another aspect ratio than its image's",
    ),
    ("unknown model name", _one("photo", model="giant"), lambda f: "unknown model 'giant'"),
    (
        "random file named .safetensors",
        _one("photo", model="random_weights"),
        lambda f: f"{f['random_weights']} is not a readable safetensors file",
    ),
    (
        "output replaces the input",
        _one("photo", out="photo"),
        lambda f: f"would replace an input (e.g. {f['photo']})",
    ),
    (
        "folder with unmatched names",
        _folder_with_unmatched_names,
        lambda f: "no image + mask pairs in",
    ),
    (
        "a corrupt image among good ones",
        _folder_with_a_corrupt_image,
        lambda f: f"1 image(s) skipped:\n  cannot read image {f['tmp'] / 'mixed' / 'bad.png'}",
    ),
    (
        "image past the pixel limit (600 MP, above Pillow's bomb limit)",
        _one("huge"),
        lambda f: (
            f"image {f['huge']} has 30000x20000 = 600 megapixels, more than the limit "
            "of 300 (inpainting it takes about 31 GiB); raise the limit with --max-pixels"
        ),
    ),
    (
        "image past a lower --max-pixels",
        lambda f: _one("photo")(f) + ["--max-pixels", "100"],
        lambda f: f"image {f['photo']} has 24x20 = 0 megapixels, more than the limit of 0",
    ),
    (
        "a folder with an image past the pixel limit",
        _folder_with_a_huge_image,
        lambda f: "1 image(s) skipped:\n  image ",
    ),
    (
        "unknown device",
        lambda f: _one("photo")(f) + ["--device", "tpu"],
        lambda f: "device must be auto, cpu, cuda, cuda:<index> or mps, got 'tpu'",
    ),
]


@pytest.mark.parametrize(
    ("case", "argv", "message"), PREDICT_CASES, ids=[c[0] for c in PREDICT_CASES]
)
def test_predict_bad_input(files, capsys, case, argv, message):
    before = files["existing"].read_bytes()
    with pytest.raises(SystemExit) as exit_info:
        predict_cli.main(argv(files))
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert message(files) in err
    assert "Traceback" not in err
    assert files["existing"].read_bytes() == before


def test_predict_writes_the_good_images_of_a_folder_with_a_corrupt_one(files, capsys):
    with pytest.raises(SystemExit):
        predict_cli.main(_folder_with_a_corrupt_image(files))
    assert [p.name for p in (files["tmp"] / "filled").iterdir()] == ["good.png"]


def test_predict_creates_a_missing_output_folder(files):
    out = files["tmp"] / "new" / "deeper" / "result.png"
    predict_cli.main(_one("photo")(files)[:4] + ["--out", str(out), "--model", str(files["model"])])
    assert Image.open(out).size == (W, H)


EVALUATE_CASES = [
    ("missing root", lambda f: ["--root", str(f["tmp"] / "nope")], "image folder not found"),
    ("val-count without root", lambda f: ["--val-count", "3"], "--val-count splits a --root"),
    ("zero size", lambda f: ["--size", "0"], "--size must be >= 1, got 0"),
    ("unknown model", lambda f: ["--models", "giant"], "unknown model 'giant'"),
    (
        "corrupt image in the folder",
        lambda f: ["--root", str(f["tmp"]), "--models", str(f["model"])],
        "cannot read image",
    ),
]


@pytest.mark.parametrize(
    ("case", "argv", "message"), EVALUATE_CASES, ids=[c[0] for c in EVALUATE_CASES]
)
def test_evaluate_bad_input(files, capsys, case, argv, message):
    output = files["tmp"] / "evaluation"
    with pytest.raises(SystemExit) as exit_info:
        evaluate_cli.main([*argv(files), "--output-dir", str(output), "--no-baselines"])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and message in err and "Traceback" not in err
    assert not output.exists()


def _pixels(h=H, w=W):
    return np.random.default_rng(1).integers(0, 256, size=(h, w, 3), dtype=np.uint8)


def _holes(h=H, w=W):
    holes = np.zeros((h, w), dtype=bool)
    holes[2:6, 3:9] = True
    return holes


API_ERRORS = [
    ("tensor [H, W, 3]", lambda: (torch.rand(H, W, 3), _holes()), r"float \[3, H, W\]"),
    ("uint8 tensor", lambda: (torch.zeros(3, H, W, dtype=torch.uint8), _holes()), r"float \["),
    ("float image in 0-255", lambda: (_pixels().astype(float), _holes()), r"found \[\d+, 255\]"),
    ("NaN image", lambda: (torch.full((3, H, W), float("nan")), _holes()), "NaN or infinite"),
    ("mask of another aspect", lambda: (_pixels(), _holes(H * 2, W)), "another aspect ratio"),
    ("int64 mask", lambda: (_pixels(), torch.zeros(H, W, dtype=torch.int64)), "got int64"),
    ("list instead of image", lambda: ([[0, 1]], _holes()), "PIL image, numpy array or tensor"),
]


@pytest.mark.parametrize(("case", "inputs", "message"), API_ERRORS, ids=[c[0] for c in API_ERRORS])
def test_api_bad_input(files, case, inputs, message):
    model = load_pretrained(files["model"], device="cpu")
    with pytest.raises((ValueError, TypeError), match=message):
        model.inpaint(*inputs())


def test_api_documented_fallbacks(files):
    """Empty mask: the input back; all-hole mask: a warning; grey mask values: binarised at
    127; RGBA: alpha kept; 16-bit, grey and 1x1 images: 8-bit RGB results of their size."""
    model = load_pretrained(files["model"], device="cpu")
    pixels = _pixels()
    np.testing.assert_array_equal(model.inpaint(pixels, np.zeros((H, W), bool)), pixels)
    with pytest.warns(UserWarning, match="the mask covers the whole image"):
        model.inpaint(pixels, np.ones((H, W), bool))
    grey = np.where(_holes(), 200, 100).astype(np.uint8)  # > 127 = hole
    np.testing.assert_array_equal(model.inpaint(pixels, grey), model.inpaint(pixels, _holes()))
    rgba = np.dstack([pixels, np.full((H, W), 9, np.uint8)])
    assert model.inpaint(Image.fromarray(rgba), _holes()).mode == "RGBA"
    sixteen = Image.fromarray(pixels[..., 0].astype(np.uint16) * 257)
    assert model.inpaint(sixteen, _holes()).mode == "RGB"
    assert model.inpaint(Image.fromarray(pixels[..., 0]), _holes()).size == (W, H)
    one = model.inpaint(np.full((1, 1, 3), 7, np.uint8), np.ones((1, 1), bool))
    assert one.shape == (1, 1, 3)
    from_bool_tensor = model.inpaint(pixels, torch.from_numpy(_holes()))  # True = hole, as arrays
    np.testing.assert_array_equal(from_bool_tensor, model.inpaint(pixels, _holes()))
    with pytest.raises(ValueError, match="got 'tpu'"):
        load_pretrained(files["model"], device="tpu")


def _truncated_checkpoint(tmp_path):
    path = tmp_path / "truncated.ckpt"
    torch.save({"state_dict": {}, "optimizer_states": []}, path)
    path.write_bytes(path.read_bytes()[:100])
    return f"ckpt_path={path}"


def _foreign_checkpoint(tmp_path):
    path = tmp_path / "weights.pt"
    torch.save({"weight": torch.zeros(2)}, path)
    return f"ckpt_path={path}"


# (case, overrides (a function of tmp_path for files), expected message)
TRAIN_CASES = [
    ("unknown block", lambda t: ["model/block=nonexistent"], "Could not find 'model/block/"),
    ("unknown trainer key", lambda t: ["trainer.max_stepz=3"], "override 'trainer.max_stepz'"),
    ("negative image size", lambda t: ["data.image_size=-32"], "data.image_size must be a pos"),
    ("odd image size", lambda t: ["data.image_size=33"], "data.image_size=33 must be divi"),
    (
        "missing data root",
        lambda t: ["data=folder", f"data.root={t / 'nope'}"],
        "image folder not found",
    ),
    ("resume with no checkpoint", lambda t: ["ckpt_path=last"], "ckpt_path=last: no last.ckpt"),
    ("truncated checkpoint", lambda t: [_truncated_checkpoint(t)], "not a torch checkpoint"),
    ("missing checkpoint", lambda t: [f"ckpt_path={t / 'gone.ckpt'}"], "gone.ckpt: no such file"),
    (
        "foreign checkpoint",
        lambda t: [_foreign_checkpoint(t)],
        "a torch file without state_dict and optimizer_states",
    ),
    ("gradient_clip_val", lambda t: ["trainer.gradient_clip_val=0.5"], "model.gradient_clip_norm"),
]
if not torch.cuda.is_available():
    TRAIN_CASES.append(("trainer=gpu without a GPU", lambda t: ["trainer=gpu"], "no GPU found"))


@pytest.mark.parametrize(
    ("case", "overrides", "message"), TRAIN_CASES, ids=[c[0] for c in TRAIN_CASES]
)
def test_train_bad_config_is_an_error_before_anything_is_written(
    make_cfg, tmp_path, case, overrides, message
):
    from inpaint.training.run import train
    from inpaint.utils import ConfigError, compose_train_config

    with pytest.raises(ConfigError, match=re.escape(message)):
        compose_train_config(overrides(tmp_path))  # the command line's composition
        train(make_cfg(*overrides(tmp_path)))
    assert not (tmp_path / "run" / "checkpoints").exists()


def test_train_ending_within_an_epoch_still_validates(make_cfg, tmp_path):
    from inpaint.training.run import train

    summary = train(make_cfg("trainer.max_steps=1", "data.train_samples_per_epoch=8"))
    assert summary["global_step"] == 1 and "val/psnr" in summary["metrics"]
    assert list((tmp_path / "run" / "checkpoints").glob("best-*.ckpt"))


def test_export_refuses_to_replace_a_shipped_model_without_force(make_cfg, tmp_path, capsys):
    import runpy

    from omegaconf import OmegaConf

    from inpaint.model_cards import SHIPPED_DIR

    run = tmp_path / "run"
    (run / ".hydra").mkdir(parents=True)
    OmegaConf.save(make_cfg(), run / ".hydra" / "config.yaml")
    before = (SHIPPED_DIR / "standard.safetensors").read_bytes()
    export = runpy.run_path(
        str(Path(__file__).parents[1] / "scripts" / "export_pretrained.py"), run_name="export"
    )["main"]
    with pytest.raises(SystemExit) as exit_info:
        export([str(run), "--name", "standard"])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert f"{SHIPPED_DIR / 'standard.safetensors'} exists (a shipped model); pass --force" in err
    assert (SHIPPED_DIR / "standard.safetensors").read_bytes() == before


def test_an_image_above_pillows_limit_is_read_when_max_pixels_allows(files, monkeypatch):
    # Pillow warns above MAX_IMAGE_PIXELS and refuses above twice it; lower it to 100 pixels
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no DecompressionBombWarning either
        image = open_image(files["photo"], max_pixels=W * H)
    assert image.size == (W, H)
    assert Image.MAX_IMAGE_PIXELS == 100  # Pillow's limit is back for everyone else
    with pytest.raises(ImageTooLargeError, match="more than the limit"):
        open_image(files["photo"], max_pixels=W * H - 1)


def test_the_api_refuses_an_image_past_max_pixels_before_converting_it(files, monkeypatch):
    model = load_pretrained(files["model"], device="cpu")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)  # a caller who lifted Pillow's limit
    huge = Image.open(files["huge"])  # lazily: only the header is read
    with pytest.raises(ValueError, match="30000x20000 = 600 megapixels, more than max_pixels"):
        model.inpaint(huge, np.zeros((20_000, 30_000), dtype=bool))
    with pytest.raises(ValueError, match="24x20 = 0 megapixels, more than max_pixels"):
        model.inpaint(_pixels(), np.zeros((H, W), dtype=bool), max_pixels=100)
    result = model.inpaint(_pixels(), np.zeros((H, W), dtype=bool), max_pixels=W * H)
    assert result.shape == (H, W, 3)


def test_training_skips_an_image_past_the_pixel_limit(files, tmp_path):
    from inpaint.data.folder_dataset import ImageFolderDataset
    from inpaint.data.mask_generators import FreeFormMaskGenerator

    folder = tmp_path / "training"
    _photo(folder / "good.png")
    (folder / "huge.png").write_bytes(files["huge"].read_bytes())
    dataset = ImageFolderDataset(folder, 16, FreeFormMaskGenerator(), train=True, length=2)
    skipped = [int(dataset[i]["skipped"]) for i in range(2)]
    assert sorted(skipped) == [-1, 1]  # the huge one (index 1) replaced by the good one
