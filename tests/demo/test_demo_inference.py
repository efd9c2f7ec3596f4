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
    from inpaint.model_cards import available_models

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


def test_a_page_served_beyond_loopback_needs_a_login_or_no_auth(tmp_path, capsys):
    from inpaint.cli.demo import launch_options, parse_args

    for host in ("127.0.0.1", "127.0.0.2", "::1", "localhost"):
        assert launch_options(parse_args(["--host", host]))["auth"] is None
    with pytest.raises(SystemExit) as exit_info:
        parse_args(["--host", "0.0.0.0"])
    message = capsys.readouterr().err.strip().splitlines()[-1]
    assert exit_info.value.code == 2
    assert "--host 0.0.0.0 serves the page to every machine" in message
    assert "--auth USER:PASSWORD" in message and "--no-auth" in message
    assert launch_options(parse_args(["--host", "0.0.0.0", "--no-auth"]))["auth"] is None
    logins = tmp_path / "logins.txt"
    logins.write_text("ana:s3cret\n\nben:pa:ss\n")
    options = launch_options(
        parse_args(["--host", "0.0.0.0", "--auth", "eve:x", "--auth-file", str(logins)])
    )
    assert options["auth"] == [("eve", "x"), ("ana", "s3cret"), ("ben", "pa:ss")]
    assert options["server_name"] == "0.0.0.0" and options["share"] is False


def test_bad_logins_and_limits_are_one_line_errors(tmp_path, capsys):
    from inpaint.cli.demo import launch_options, parse_args

    logins = tmp_path / "logins.txt"
    logins.write_text("ana:s3cret\nnocolon\n")
    for argv, message in (
        (["--auth", "ana"], "--auth: expected USER:PASSWORD"),
        (["--auth", ":pw"], "--auth: expected USER:PASSWORD"),
        (["--auth-file", str(logins)], f"--auth-file {logins} line 2: expected USER:PASSWORD"),
        (["--auth-file", str(tmp_path / "none.txt")], "cannot read it"),
        (["--auth", "a:b", "--no-auth"], "--no-auth contradicts --auth"),
        (["--max-upload-mb", "0"], "--max-upload-mb must be > 0"),
        (["--max-queue", "0"], "--max-queue >= 1"),
        (["--max-pixels", "1"], "--max-pixels >= 2"),
    ):
        with pytest.raises(SystemExit):
            parse_args(argv)
        err = capsys.readouterr().err
        assert message in err and "s3cret" not in err
    assert launch_options(parse_args(["--max-upload-mb", "12.5"]))["max_file_size"] == "12.5mb"


def test_a_full_queue_turns_requests_away_while_the_others_complete(
    tiny_models, photo, tmp_path, monkeypatch
):
    import resource
    import socket
    import time

    from gradio_client import Client, handle_file

    from inpaint.demo import page as page_module

    real = page_module.inpaint_request

    def slow(*args):
        time.sleep(1.0)  # a large photo: long enough for the other requests to arrive
        return real(*args)

    monkeypatch.setattr(page_module, "inpaint_request", slow)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    page = page_module.build_page(tiny_models, "tiny", max_queue=2)
    page.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    try:
        path, _ = photo
        _layer().save(tmp_path / "stroke.png")
        editor = {
            "background": handle_file(str(path)),
            "layers": [handle_file(str(tmp_path / "stroke.png"))],
            "composite": None,
        }
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        jobs = []
        for _ in range(6):
            jobs.append(client.submit(editor, None, "tiny", api_name="/inpaint"))
            time.sleep(0.1)  # in order: the first runs, two wait, the rest find the queue full
        outcomes = []
        for job in jobs:
            try:
                job.result(timeout=60)
                outcomes.append("done")
            except Exception as error:  # the client raises its QueueError for a full queue
                outcomes.append(str(error))
    finally:
        page.close()
    assert outcomes.count("done") >= 3, outcomes
    busy = [o for o in outcomes if o != "done"]
    assert busy and all("Queue is full" in o and "try again" in o for o in busy), outcomes
    # the test's note: peak memory of this process (server and client), not asserted
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


def test_the_page_refuses_a_photo_past_the_pixel_limit_and_stays_up(
    tiny_models, photo, tmp_path, huge_png
):
    import socket

    from gradio_client import Client, handle_file
    from gradio_client.exceptions import AppError
    from PIL import Image as PILImage

    from inpaint.demo.page import build_page

    huge = huge_png
    limit = PILImage.MAX_IMAGE_PIXELS
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    page = build_page(tiny_models, "tiny", max_pixels=1_000_000)
    page.launch(
        server_name="127.0.0.1",
        server_port=port,
        prevent_thread_lock=True,
        quiet=True,
        show_error=True,
    )
    try:
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        editor = {"background": handle_file(str(huge)), "layers": [], "composite": None}
        with pytest.raises(AppError, match="600000000 pixels.*exceeds limit of 1000000 pixels"):
            client.predict(editor, None, "tiny", api_name="/inpaint")
        path, _ = photo
        _layer().save(tmp_path / "stroke.png")
        editor = {
            "background": handle_file(str(path)),
            "layers": [handle_file(str(tmp_path / "stroke.png"))],
            "composite": None,
        }
        result_path, _ = client.predict(editor, None, "tiny", api_name="/inpaint")
        assert PILImage.open(result_path).size == (80, 60)
    finally:
        page.close()
        PILImage.MAX_IMAGE_PIXELS = limit
