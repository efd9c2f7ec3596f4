"""Inpainter: any size, PIL / numpy / tensor inputs, known pixels bit-exact, awkward inputs."""

import numpy as np
import pytest
import torch
from PIL import Image

from inpaint.data import file_array_from_holes

H, W = 37, 53  # odd sizes: the tiny net needs a multiple of 2, so every input gets padded


def _photo(h=H, w=W, seed=0):
    return np.random.default_rng(seed).integers(0, 256, size=(h, w, 3), dtype=np.uint8)


def _holes(h=H, w=W):
    holes = np.zeros((h, w), dtype=bool)
    holes[5:20, 10:30] = True
    holes[30:, 45:] = True
    return holes


def _expected_holes(model, pixels, holes):
    """uint8 [H, W, 3]: what the network itself predicts for the holes."""
    source = torch.from_numpy(pixels).permute(2, 0, 1)[None].float() / 255
    known = torch.from_numpy(~holes)[None, None].float()
    prediction = model.fill(source, known)[0]
    return (prediction * 255).round().to(torch.uint8).permute(1, 2, 0).numpy()


def test_pil_any_size_keeps_known_pixels_and_fills_holes_with_the_prediction(tiny_model):
    pixels, holes = _photo(), _holes()
    result = tiny_model.inpaint(
        Image.fromarray(pixels), Image.fromarray(file_array_from_holes(holes))
    )
    assert isinstance(result, Image.Image) and result.mode == "RGB" and result.size == (W, H)
    out = np.asarray(result)
    np.testing.assert_array_equal(out[~holes], pixels[~holes])
    np.testing.assert_array_equal(out[holes], _expected_holes(tiny_model, pixels, holes)[holes])
    assert not np.array_equal(out[holes], pixels[holes])


def test_numpy_with_bool_and_uint8_masks(tiny_model):
    pixels, holes = _photo(), _holes()
    from_bool = tiny_model.inpaint(pixels, holes)  # bool: True = hole
    from_file = tiny_model.inpaint(pixels, file_array_from_holes(holes))  # uint8: 255 = hole
    assert from_bool.dtype == np.uint8 and from_bool.shape == (H, W, 3)
    np.testing.assert_array_equal(from_bool, from_file)
    np.testing.assert_array_equal(from_bool[~holes], pixels[~holes])


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_tensor_keeps_its_dtype_and_exact_known_values(tiny_model, dtype):
    image = torch.rand(3, H, W, generator=torch.Generator().manual_seed(1), dtype=dtype)
    known = torch.from_numpy(~_holes()).float()[None]  # tensor mask: 1 = known
    result = tiny_model.inpaint(image, known)
    assert result.dtype == dtype and result.shape == image.shape
    keep = known.bool().expand_as(image)
    assert torch.equal(result[keep], image[keep])
    assert not torch.equal(result[~keep], image[~keep])
    assert result.min() >= 0 and result.max() <= 1


def test_mask_of_another_size_is_resized_with_a_warning(tiny_model):
    pixels = _photo()
    holes = np.zeros((2 * H, 2 * W), dtype=bool)
    holes[:H, :W] = True  # the top-left quarter
    with pytest.warns(UserWarning, match=rf"mask size {2 * W}x{2 * H} differs .* {W}x{H}"):
        result = tiny_model.inpaint(pixels, holes)
    assert result.shape == (H, W, 3)
    np.testing.assert_array_equal(result[H // 2 + 1 :], pixels[H // 2 + 1 :])
    assert not np.array_equal(result[: H // 2, : W // 2], pixels[: H // 2, : W // 2])


def test_mask_without_holes_returns_the_input_unchanged_without_running_the_net(
    tiny_model, monkeypatch
):
    def fail(*args):
        raise AssertionError("the network ran for a mask without holes")

    monkeypatch.setattr(tiny_model, "predict", fail)
    pixels = _photo()
    no_holes = np.zeros((H, W), dtype=bool)
    np.testing.assert_array_equal(tiny_model.inpaint(pixels, no_holes), pixels)
    image = torch.rand(3, H, W)
    assert torch.equal(tiny_model.inpaint(image, torch.ones(1, H, W)), image)
    pil = tiny_model.inpaint(Image.fromarray(pixels), Image.new("L", (W, H), 0))
    np.testing.assert_array_equal(np.asarray(pil), pixels)


def test_all_hole_mask_gives_the_prediction_everywhere_with_a_warning(tiny_model):
    pixels = _photo()
    holes = np.ones((H, W), dtype=bool)
    with pytest.warns(UserWarning, match="the mask covers the whole image"):
        result = tiny_model.inpaint(pixels, holes)
    np.testing.assert_array_equal(result, _expected_holes(tiny_model, pixels, holes))


@pytest.mark.parametrize(
    ("mode", "make"),
    [
        ("L", lambda p: Image.fromarray(p[..., 0])),
        ("I;16", lambda p: Image.fromarray(p[..., 0].astype(np.uint16) * 257)),
        ("P", lambda p: Image.fromarray(p).quantize(16)),
    ],
)
def test_grey_16bit_and_palette_images_give_rgb(tiny_model, mode, make):
    image = make(_photo())
    assert image.mode == mode
    holes = _holes()
    result = tiny_model.inpaint(image, holes)
    assert result.mode == "RGB" and result.size == (W, H)
    expected = np.asarray(image.convert("RGB")) if mode != "I;16" else _photo()[..., [0, 0, 0]]
    np.testing.assert_array_equal(np.asarray(result)[~holes], expected[~holes])


def _with_alpha(pixels, alpha_value=77):
    alpha = np.full(pixels.shape[:2], alpha_value, np.uint8)
    alpha[:, :10] = 0  # a fully transparent band on the left
    return np.dstack([pixels, alpha])


@pytest.mark.parametrize("kind", ["pil", "numpy"])
def test_alpha_keep_inpaints_the_colour_and_returns_the_alpha_unchanged(tiny_model, kind):
    rgba = _with_alpha(_photo())
    holes = _holes()
    image = Image.fromarray(rgba) if kind == "pil" else rgba
    result = tiny_model.inpaint(image, holes)  # alpha="keep" is the default
    out = np.asarray(result)
    if kind == "pil":
        assert result.mode == "RGBA"
    assert out.shape == (H, W, 4)
    np.testing.assert_array_equal(out[..., 3], rgba[..., 3])
    np.testing.assert_array_equal(out[..., :3], tiny_model.inpaint(rgba[..., :3], holes))


def test_alpha_hole_fills_the_transparent_pixels_and_returns_an_opaque_image(tiny_model):
    rgba = _with_alpha(_photo())
    holes = _holes()
    result = tiny_model.inpaint(Image.fromarray(rgba), holes, alpha="hole")
    assert result.mode == "RGB"
    transparent = rgba[..., 3] == 0
    expected = tiny_model.inpaint(rgba[..., :3], holes | transparent)
    np.testing.assert_array_equal(np.asarray(result), expected)
    np.testing.assert_array_equal(
        np.asarray(result)[~(holes | transparent)], rgba[..., :3][~(holes | transparent)]
    )


def test_palette_image_with_a_transparent_colour_has_an_alpha(tiny_model):
    palette = Image.fromarray(_photo()).quantize(16)
    palette.info["transparency"] = 0
    result = tiny_model.inpaint(palette, _holes())
    assert result.mode == "RGBA"
    np.testing.assert_array_equal(
        np.asarray(result)[..., 3], np.asarray(palette.convert("RGBA"))[..., 3]
    )


def test_16bit_png_file_and_uint16_array(tiny_model, tmp_path):
    grey = _photo()[..., 0].astype(np.uint16) * 257
    Image.fromarray(grey).save(tmp_path / "grey16.png")
    with Image.open(tmp_path / "grey16.png") as image:
        result = tiny_model.inpaint(image, _holes())  # 16-bit PNGs open in mode I
    from_array = tiny_model.inpaint(grey, _holes())
    np.testing.assert_array_equal(np.asarray(result), from_array)
    np.testing.assert_array_equal(from_array[~_holes()], _photo()[..., [0, 0, 0]][~_holes()])


def test_max_size_inpaints_downscaled_and_pastes_the_holes_back(tiny_model, monkeypatch):
    pixels, holes = _photo(50, 70), _holes(50, 70)
    seen = []
    predict = tiny_model.predict
    monkeypatch.setattr(tiny_model, "predict", lambda i, k: seen.append(i.shape) or predict(i, k))
    result = tiny_model.inpaint(pixels, holes, max_size=32)
    assert seen == [(1, 3, 23, 32)]
    assert result.shape == (50, 70, 3)
    np.testing.assert_array_equal(result[~holes], pixels[~holes])
    assert not np.array_equal(result[holes], pixels[holes])


def test_batch_groups_images_by_size_and_matches_one_by_one(tiny_model, monkeypatch):
    images = [_photo(seed=1), _photo(24, 30, seed=2), _photo(seed=3), _photo(seed=4)]
    masks = [_holes(), _holes(24, 30), _holes(), np.zeros((H, W), dtype=bool)]
    one_by_one = [tiny_model.inpaint(i, m) for i, m in zip(images, masks, strict=True)]
    batches = []
    predict = tiny_model.predict
    monkeypatch.setattr(
        tiny_model, "predict", lambda i, k: batches.append(i.shape) or predict(i, k)
    )
    batched = tiny_model.inpaint_batch(images, masks)
    assert sorted(batches) == [(1, 3, 24, 30), (2, 3, H, W)]
    for a, b in zip(batched, one_by_one, strict=True):
        assert np.abs(a.astype(int) - b.astype(int)).max() <= 1  # float sums in another order


@pytest.mark.parametrize(
    ("image", "mask", "message"),
    [
        (torch.zeros(3, H, W, dtype=torch.uint8), torch.ones(1, H, W), r"float \[3, H, W\]"),
        (torch.zeros(1, H, W), torch.ones(1, H, W), r"float \[3, H, W\]"),
        (np.zeros((H, W, 3)), torch.ones(3, H, W), r"mask tensor must be"),
        (np.zeros((H, W, 2), np.uint8), np.zeros((H, W), bool), r"image array must be"),
        (np.zeros((H, W, 3), np.int32), np.zeros((H, W), bool), r"uint8, uint16 or float"),
    ],
)
def test_unusable_arrays_fail_with_a_message(tiny_model, image, mask, message):
    with pytest.raises(ValueError, match=message):
        tiny_model.inpaint(image, mask)


def test_mask_of_another_aspect_ratio_is_an_error_naming_both_sizes(tiny_model):
    with pytest.raises(ValueError, match=rf"mask size {W}x{H + 10} .* its image's {W}x{H}"):
        tiny_model.inpaint(_photo(), np.zeros((H + 10, W), dtype=bool))


@pytest.mark.parametrize(
    ("image", "mask", "message"),
    [
        (torch.full((3, H, W), 200.0), torch.ones(1, H, W), r"in \[0, 1\], found \[200, 200\]"),
        (np.full((H, W, 3), 255.0), np.zeros((H, W), bool), r"in \[0, 1\], found \[255, 255\]"),
        (torch.full((3, H, W), float("nan")), torch.ones(1, H, W), "NaN or infinite"),
        (np.full((H, W, 3), np.inf), np.zeros((H, W), bool), "NaN or infinite"),
        (_photo(), np.full((H, W), 255.0), r"float mask .* found \[255, 255\]"),
        (_photo(), torch.ones(H, W, dtype=torch.int64), r"bool \(True = hole\)"),
    ],
)
def test_out_of_range_and_non_finite_values_are_rejected(tiny_model, image, mask, message):
    with pytest.raises(ValueError, match=message):
        tiny_model.inpaint(image, mask)


def test_bool_masks_mean_true_is_hole_for_arrays_and_tensors(tiny_model):
    pixels, holes = _photo(), _holes()
    from_array = tiny_model.inpaint(pixels, holes)
    from_tensor = tiny_model.inpaint(pixels, torch.from_numpy(holes))
    from_uint8_tensor = tiny_model.inpaint(pixels, torch.from_numpy(file_array_from_holes(holes)))
    np.testing.assert_array_equal(from_tensor, from_array)
    np.testing.assert_array_equal(from_uint8_tensor, from_array)


@pytest.mark.parametrize("strategy", ["crops", "auto"])
def test_crops_strategy_runs_the_network_on_boxes_around_the_holes_only(
    tiny_model, monkeypatch, strategy
):
    import inpaint.inference.inpainter as inpainter

    monkeypatch.setattr(inpainter, "WORKING_SIZE", 100)  # "auto" takes crops above 100 px
    monkeypatch.setattr(inpainter, "CROP_CONTEXT", 8)
    pixels = _photo(160, 240)
    holes = np.zeros((160, 240), dtype=bool)
    holes[10:20, 10:20] = True
    holes[120:130, 200:230] = True
    seen = []
    predict = tiny_model.predict
    monkeypatch.setattr(tiny_model, "predict", lambda i, k: seen.append(i.shape) or predict(i, k))
    result = tiny_model.inpaint(pixels, holes, strategy=strategy)
    # on 16-px cells, hole 1 spans rows and columns 0..32, margin max(8, 32 // 2) -> 0..48;
    # hole 2 spans rows 112..144 and columns 192..240, margin 24 -> rows 88..160, columns 168..240
    assert sorted(shape[-2:] for shape in seen) == [(48, 48), (72, 72)]
    np.testing.assert_array_equal(result[~holes], pixels[~holes])
    assert not np.array_equal(result[holes], pixels[holes])
    whole = tiny_model.inpaint(pixels, holes, strategy="whole")
    assert seen[-1][-2:] == (160, 240)
    assert np.abs(whole[holes].astype(int) - result[holes].astype(int)).mean() < 40


def test_crops_larger_than_max_size_are_inpainted_downscaled(tiny_model, monkeypatch):
    pixels, holes = _photo(64, 64), np.zeros((64, 64), dtype=bool)
    holes[8:56, 8:56] = True
    seen = []
    predict = tiny_model.predict
    monkeypatch.setattr(tiny_model, "predict", lambda i, k: seen.append(i.shape) or predict(i, k))
    result = tiny_model.inpaint(pixels, holes, strategy="crops", max_size=32)
    assert seen == [(1, 3, 32, 32)]
    np.testing.assert_array_equal(result[~holes], pixels[~holes])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"strategy": "tiles"}, r"strategy must be one of \('auto', 'whole', 'crops'\)"),
        ({"alpha": "drop"}, r"alpha must be one of \('keep', 'hole'\)"),
        ({"max_size": 0}, "max_size must be a positive"),
    ],
)
def test_bad_options_name_the_choices(tiny_model, kwargs, message):
    with pytest.raises(ValueError, match=message):
        tiny_model.inpaint(_photo(), _holes(), **kwargs)


def test_bad_device_names_the_valid_choices(tiny_weights):
    from inpaint.inference import load_pretrained

    with pytest.raises(ValueError, match=r"auto, cpu, cuda, cuda:<index> or mps, got 'tpu'"):
        load_pretrained(tiny_weights, device="tpu")
