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


def test_all_hole_mask_gives_the_prediction_everywhere(tiny_model):
    pixels = _photo()
    holes = np.ones((H, W), dtype=bool)
    result = tiny_model.inpaint(pixels, holes)
    np.testing.assert_array_equal(result, _expected_holes(tiny_model, pixels, holes))


@pytest.mark.parametrize(
    ("mode", "make"),
    [
        ("RGBA", lambda p: Image.fromarray(np.dstack([p, np.full(p.shape[:2], 77, np.uint8)]))),
        ("L", lambda p: Image.fromarray(p[..., 0])),
        ("I;16", lambda p: Image.fromarray(p[..., 0].astype(np.uint16) * 257)),
        ("P", lambda p: Image.fromarray(p).quantize(16)),
    ],
)
def test_rgba_grey_16bit_and_palette_images_give_rgb(tiny_model, mode, make):
    image = make(_photo())
    assert image.mode == mode
    holes = _holes()
    result = tiny_model.inpaint(image, holes)
    assert result.mode == "RGB" and result.size == (W, H)
    expected = np.asarray(image.convert("RGB")) if mode != "I;16" else _photo()[..., [0, 0, 0]]
    np.testing.assert_array_equal(np.asarray(result)[~holes], expected[~holes])


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
