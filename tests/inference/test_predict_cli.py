"""inpaint-predict in-process: one image, LaMa-named folders in batches, bad files and names."""

import numpy as np
import pytest
from PIL import Image

from inpaint.cli.predict import main
from inpaint.data import file_array_from_holes
from inpaint.inference import Inpainter


def _write_pair(folder, name, size, seed, mask_names=("_mask",), ext=".png"):
    """name.ext (random RGB, `size` = (W, H)) and one mask file per entry of `mask_names`."""
    folder.mkdir(parents=True, exist_ok=True)
    w, h = size
    pixels = np.random.default_rng(seed).integers(0, 256, size=(h, w, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(folder / f"{name}{ext}")
    holes = np.zeros((h, w), dtype=bool)
    holes[h // 4 : h // 2, w // 4 : w // 2] = True
    for mask_name in mask_names:
        Image.fromarray(file_array_from_holes(holes)).save(folder / f"{name}{mask_name}.png")
    return pixels, holes


def _exit_message(capsys, argv):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    return exit_info.value.code, capsys.readouterr().err


def test_one_image_keeps_known_pixels(tmp_path, tiny_weights):
    pixels, holes = _write_pair(tmp_path, "photo", (37, 29), seed=0)
    out = tmp_path / "out" / "filled.png"
    main(
        ["--image", str(tmp_path / "photo.png"), "--mask", str(tmp_path / "photo_mask.png")]
        + ["--out", str(out), "--model", str(tiny_weights), "--device", "cpu"]
    )
    result = np.asarray(Image.open(out))
    assert result.shape == (29, 37, 3)
    np.testing.assert_array_equal(result[~holes], pixels[~holes])
    assert not np.array_equal(result[holes], pixels[holes])


def test_without_model_uses_the_best_shipped_model(tmp_path):
    pixels, holes = _write_pair(tmp_path, "photo", (40, 24), seed=4)
    out = tmp_path / "filled.png"
    main(
        ["--image", str(tmp_path / "photo.png"), "--mask", str(tmp_path / "photo_mask.png")]
        + ["--out", str(out), "--device", "cpu"]
    )
    np.testing.assert_array_equal(np.asarray(Image.open(out))[~holes], pixels[~holes])


def test_max_size_on_the_command_line(tmp_path, tiny_weights):
    pixels, holes = _write_pair(tmp_path, "big", (80, 60), seed=1)
    out = tmp_path / "big_out.png"
    main(
        ["--image", str(tmp_path / "big.png"), "--mask", str(tmp_path / "big_mask.png")]
        + ["--out", str(out), "--model", str(tiny_weights), "--max-size", "16"]
    )
    result = np.asarray(Image.open(out))
    assert result.shape == (60, 80, 3)
    np.testing.assert_array_equal(result[~holes], pixels[~holes])


def test_folder_with_lama_naming_in_batches_of_one_size(tmp_path, tiny_weights, monkeypatch):
    source, out = tmp_path / "in", tmp_path / "out"
    _write_pair(source, "a", (40, 30), seed=1)
    _write_pair(source, "b", (40, 30), seed=2, ext=".jpg")
    _write_pair(source, "c", (40, 30), seed=3, mask_names=("_mask001", "_mask002"))
    _write_pair(source / "sub", "d", (24, 24), seed=4)
    Image.new("RGB", (8, 8)).save(source / "lonely.png")  # no mask: not a job
    calls = []  # (sizes, count) per batch
    inpaint_batch = Inpainter.inpaint_batch

    def spy(self, images, masks, **options):
        calls.append(({image.size for image in images}, len(images)))
        return inpaint_batch(self, images, masks, **options)

    monkeypatch.setattr(Inpainter, "inpaint_batch", spy)
    args = ["--input-dir", str(source), "--output-dir", str(out), "--model", str(tiny_weights)]
    main(args)
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*.png"))
    assert written == ["a.png", "b.png", "c001.png", "c002.png", "sub/d.png"]
    assert sorted(calls, key=lambda c: c[1]) == [({(24, 24)}, 1), ({(40, 30)}, 4)]
    calls.clear()
    main([*args, "--batch-size", "3"])
    assert sorted(count for _, count in calls) == [1, 1, 3]


def test_missing_and_unreadable_files_exit_2_naming_the_file(tmp_path, tiny_weights, capsys):
    _write_pair(tmp_path, "ok", (20, 20), seed=0)
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    base = ["--out", str(tmp_path / "o.png"), "--model", str(tiny_weights)]
    code, err = _exit_message(
        capsys,
        ["--image", str(tmp_path / "nope.png"), "--mask", str(tmp_path / "ok_mask.png")] + base,
    )
    assert code == 2 and f"image file not found: {tmp_path / 'nope.png'}" in err
    code, err = _exit_message(
        capsys,
        ["--image", str(tmp_path / "broken.png"), "--mask", str(tmp_path / "ok_mask.png")] + base,
    )
    assert code == 2 and f"cannot read image {tmp_path / 'broken.png'}" in err
    assert not (tmp_path / "o.png").exists()


def test_folder_skips_an_unreadable_pair_writes_the_rest_and_exits_2(
    tmp_path, tiny_weights, capsys
):
    source, out = tmp_path / "in", tmp_path / "out"
    _write_pair(source, "good", (20, 20), seed=0)
    _write_pair(source, "bad", (20, 20), seed=1)
    (source / "bad_mask.png").write_bytes(b"garbage")
    code, err = _exit_message(
        capsys, ["--input-dir", str(source), "--output-dir", str(out), "--model", str(tiny_weights)]
    )
    assert code == 2 and "1 image(s) skipped" in err and "bad_mask.png" in err
    assert [p.name for p in out.iterdir()] == ["good.png"]


def test_unknown_model_and_empty_folder_and_bad_arguments(tmp_path, capsys):
    _write_pair(tmp_path, "x", (20, 20), seed=0)
    args = ["--image", str(tmp_path / "x.png"), "--mask", str(tmp_path / "x_mask.png")]
    code, err = _exit_message(capsys, [*args, "--out", str(tmp_path / "y.png"), "--model", "giant"])
    assert code == 2 and "unknown model 'giant'; available: [" in err
    (tmp_path / "empty").mkdir()
    code, err = _exit_message(
        capsys, ["--input-dir", str(tmp_path / "empty"), "--output-dir", str(tmp_path / "o")]
    )
    assert code == 2 and "no image + mask pairs" in err
    code, err = _exit_message(capsys, [*args, "--out", str(tmp_path / "y.xyz")])
    assert code == 2 and "cannot tell the image format of --out" in err
    code, err = _exit_message(capsys, args)  # no --out
    assert code == 2 and "give either --image, --mask and --out" in err
    code, err = _exit_message(
        capsys,
        ["--input-dir", str(tmp_path), "--output-dir", str(tmp_path / "o"), "--batch-size", "0"],
    )
    assert code == 2 and "--batch-size must be >= 1" in err


def test_outputs_never_replace_inputs_without_overwrite(tmp_path, tiny_weights, capsys):
    pixels, _ = _write_pair(tmp_path, "a", (20, 16), seed=0)
    before = (tmp_path / "a.png").read_bytes()
    folder = ["--input-dir", str(tmp_path), "--output-dir", str(tmp_path)]
    code, err = _exit_message(capsys, [*folder, "--model", str(tiny_weights)])
    assert code == 2 and f"1 output(s) would replace an input (e.g. {tmp_path / 'a.png'})" in err
    single = ["--image", str(tmp_path / "a.png"), "--mask", str(tmp_path / "a_mask.png")]
    code, err = _exit_message(capsys, [*single, "--out", str(tmp_path / "a_mask.png")])
    assert code == 2 and "pass --overwrite" in err
    assert (tmp_path / "a.png").read_bytes() == before
    main([*folder, "--model", str(tiny_weights), "--overwrite"])
    assert (tmp_path / "a.png").read_bytes() != before


def test_photo_with_exif_orientation_is_inpainted_upright(tmp_path, tiny_weights):
    stored = np.random.default_rng(0).integers(0, 256, size=(30, 40, 3), dtype=np.uint8)
    exif = Image.Exif()
    exif[0x0112] = 6  # shown rotated 90 degrees clockwise: 30 x 40 (W x H) upright
    Image.fromarray(stored).save(tmp_path / "phone.png", exif=exif)
    upright = np.rot90(stored, k=-1)
    holes = np.zeros((40, 30), dtype=bool)
    holes[5:15, 3:12] = True  # drawn on the upright view
    Image.fromarray(file_array_from_holes(holes)).save(tmp_path / "phone_mask.png")
    out = tmp_path / "out.png"
    main(
        ["--image", str(tmp_path / "phone.png"), "--mask", str(tmp_path / "phone_mask.png")]
        + ["--out", str(out), "--model", str(tiny_weights)]
    )
    result = np.asarray(Image.open(out))
    assert result.shape == (40, 30, 3)
    np.testing.assert_array_equal(result[~holes], upright[~holes])
    assert not np.array_equal(result[holes], upright[holes])


def test_transparent_png_keeps_its_alpha_or_fills_it(tmp_path, tiny_weights):
    rgba = np.random.default_rng(0).integers(0, 256, size=(16, 20, 4), dtype=np.uint8)
    rgba[..., 3] = 255
    rgba[:, :4, 3] = 0  # a transparent band
    Image.fromarray(rgba).save(tmp_path / "logo.png")
    holes = np.zeros((16, 20), dtype=bool)
    holes[4:8, 10:14] = True
    Image.fromarray(file_array_from_holes(holes)).save(tmp_path / "logo_mask.png")
    args = ["--image", str(tmp_path / "logo.png"), "--mask", str(tmp_path / "logo_mask.png")]
    args += ["--model", str(tiny_weights)]
    main([*args, "--out", str(tmp_path / "kept.png")])
    kept = Image.open(tmp_path / "kept.png")
    assert kept.mode == "RGBA"
    np.testing.assert_array_equal(np.asarray(kept)[..., 3], rgba[..., 3])
    main([*args, "--out", str(tmp_path / "filled.png"), "--alpha", "hole"])
    filled = np.asarray(Image.open(tmp_path / "filled.png"))
    assert filled.shape == (16, 20, 3)
    assert not np.array_equal(filled[:, :4], rgba[:, :4, :3])
    with pytest.warns(UserWarning, match="JPEG has no alpha channel"):
        main([*args, "--out", str(tmp_path / "kept.jpg")])
    assert Image.open(tmp_path / "kept.jpg").mode == "RGB"


def test_mask_of_another_aspect_ratio_is_skipped_naming_the_file(tmp_path, tiny_weights, capsys):
    _write_pair(tmp_path / "in", "good", (20, 16), seed=0)
    _write_pair(tmp_path / "in", "bad", (20, 16), seed=1)
    Image.new("L", (20, 10), 255).save(tmp_path / "in" / "bad_mask.png")
    args = ["--input-dir", str(tmp_path / "in"), "--output-dir", str(tmp_path / "out")]
    code, err = _exit_message(capsys, [*args, "--model", str(tiny_weights)])
    mask = tmp_path / "in" / "bad_mask.png"
    assert (
        code == 2
        and f"mask {mask} size 20x10 has another aspect ratio than its image's 20x16" in err
    )
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["good.png"]
