"""The page's inference function on PIL inputs, and the page served to a Python client."""

import numpy as np
import pytest
from PIL import Image

from inpaint.demo.inference import DemoError, inpaint_request


def _layer(size=(80, 60), box=(20, 10, 50, 30), alpha=255):
    """RGBA stroke layer: `box` (left, top, right, bottom) painted, the rest transparent."""
    layer = np.zeros((size[1], size[0], 4), dtype=np.uint8)
    left, top, right, bottom = box
    layer[top:bottom, left:right] = [255, 0, 255, alpha]
    return Image.fromarray(layer)


def _editor(pixels, layers):
    photo = Image.fromarray(np.dstack([pixels, np.full(pixels.shape[:2], 255, np.uint8)]))
    return {"background": photo, "layers": layers, "composite": None}


def test_painted_strokes_are_the_holes_and_known_pixels_come_back_unchanged(tiny_models, photo):
    _, pixels = photo
    strokes = [_layer(box=(20, 10, 50, 30)), None, _layer(box=(60, 40, 70, 50), alpha=40)]
    result, mask = inpaint_request(tiny_models, "tiny", _editor(pixels, strokes), None)
    holes = np.asarray(mask) > 127
    expected = np.zeros((60, 80), dtype=bool)
    expected[10:30, 20:50] = expected[40:50, 60:70] = True  # any alpha > 0 is painted
    np.testing.assert_array_equal(holes, expected)
    out = np.asarray(result)
    assert result.mode == "RGB" and result.size == (80, 60)
    np.testing.assert_array_equal(out[~holes], pixels[~holes])
    assert not np.array_equal(out[holes], pixels[holes])


def test_a_mask_file_replaces_the_strokes(tiny_models, photo, tmp_path):
    _, pixels = photo
    mask = np.zeros((30, 40), dtype=np.uint8)  # half the photo's size: resized
    mask[5:10, 5:20] = 255
    Image.fromarray(mask).save(tmp_path / "mask.png")
    with pytest.warns(UserWarning, match="resizing the mask"):
        result, used = inpaint_request(
            tiny_models, "tiny", _editor(pixels, [_layer()]), str(tmp_path / "mask.png")
        )
    assert used.size == (40, 30) and result.size == (80, 60)
    np.testing.assert_array_equal(np.asarray(result)[30:], pixels[30:])


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("no photo", "upload a photo first"),
        ("nothing painted", "nothing to fill: paint over the part to remove"),
        ("empty mask file", "nothing to fill"),
        ("text mask file", "the mask file is not an image: cannot read image"),
        ("mask file of another aspect", "mask file wide.png size 80x20 has another aspect ratio"),
        ("layer of another size", "a painted layer is 40x30, the photo 80x60"),
        ("unknown model", "unknown model 'giant'; choose one of ['tiny']"),
    ],
)
def test_bad_requests_say_what_to_do(tiny_models, photo, tmp_path, case, message):
    _, pixels = photo
    editor, mask_file, model = _editor(pixels, [_layer()]), None, "tiny"
    if case == "no photo":
        editor = {"background": None, "layers": [], "composite": None}
    elif case == "nothing painted":
        editor = _editor(pixels, [_layer(alpha=0)])
    elif case == "empty mask file":
        mask_file = tmp_path / "black.png"
        Image.new("L", (80, 60), 0).save(mask_file)
    elif case == "text mask file":
        mask_file = tmp_path / "notes.png"
        mask_file.write_text("not an image")
    elif case == "mask file of another aspect":
        mask_file = tmp_path / "wide.png"
        Image.new("L", (80, 20), 255).save(mask_file)
    elif case == "layer of another size":
        editor = _editor(pixels, [_layer(size=(40, 30), box=(0, 0, 10, 10))])
    else:
        model = "giant"
    with pytest.raises(DemoError, match=message.replace("[", r"\[").replace("]", r"\]")):
        inpaint_request(tiny_models, model, editor, mask_file and str(mask_file))


def test_served_page_answers_a_client_and_shows_errors(served_page, photo, tmp_path):
    from gradio_client import Client, handle_file
    from gradio_client.exceptions import AppError

    path, pixels = photo
    _layer().save(tmp_path / "stroke.png")
    client = Client(served_page, verbose=False)
    editor = {
        "background": handle_file(str(path)),
        "layers": [handle_file(str(tmp_path / "stroke.png"))],
        "composite": None,
    }
    result_path, mask_path = client.predict(editor, None, "tiny", api_name="/inpaint")
    result = np.asarray(Image.open(result_path))
    holes = np.asarray(Image.open(mask_path).convert("L")) > 127
    assert result.shape == (60, 80, 3) and holes.sum() == 20 * 30
    np.testing.assert_array_equal(result[~holes], pixels[~holes])
    editor["layers"] = []
    with pytest.raises(AppError, match="nothing to fill"):
        client.predict(editor, None, "tiny", api_name="/inpaint")


def test_command_line_names_models_and_rejects_bad_arguments(tmp_path, capsys):
    from inpaint.cli.demo import model_choices, parse_args
    from inpaint.inference.shipped import available_models

    mine = tmp_path / "fourier.safetensors"  # the stem of a shipped name: shown by its path
    mine.write_bytes(b"")
    other = tmp_path / "mine.safetensors"
    other.write_bytes(b"")
    choices = model_choices([mine, other])
    assert choices == {
        **{n: n for n in available_models()},
        str(mine): str(mine),
        "mine": str(other),
    }
    args = parse_args(["--model", str(other)])
    assert (args.host, args.port) == ("127.0.0.1", 7860)
    for argv, message in (
        (["--model", str(tmp_path / "gone.safetensors")], "expected an existing .safetensors"),
        (["--port", "0"], "--port must be in 1-65535, got 0"),
    ):
        with pytest.raises(SystemExit):
            parse_args(argv)
        assert message in capsys.readouterr().err
