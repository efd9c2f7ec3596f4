"""Without the onnx extra, inpaint-export and inpaint-predict --backend onnxruntime say how to
install it in one line."""

import sys

import numpy as np
import pytest
from PIL import Image

from inpaint.cli.export import main as export_main
from inpaint.cli.predict import main as predict_main


def _exit_message(capsys, main, argv):
    """(exit status, stderr) of a command that exits."""
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    return exit_info.value.code, capsys.readouterr().err


def test_missing_onnx_extra_names_the_install_command(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import fails, find_spec is None
    out = str(tmp_path / "m.onnx")
    code, err = _exit_message(capsys, export_main, ["--model", "gated", "--onnx", out])
    assert code == 2
    assert err == 'error: onnxruntime not installed (the onnx extra): pip install -e ".[onnx]"\n'
    Image.fromarray(np.zeros((16, 16, 3), dtype=np.uint8)).save(tmp_path / "photo.png")
    Image.fromarray(np.full((16, 16), 255, dtype=np.uint8)).save(tmp_path / "photo_mask.png")
    argv = ["--image", str(tmp_path / "photo.png"), "--mask", str(tmp_path / "photo_mask.png")]
    argv += ["--out", str(tmp_path / "o.png"), "--model", out, "--backend", "onnxruntime"]
    code, err = _exit_message(capsys, predict_main, argv)
    assert code == 2 and 'pip install -e ".[onnx]"' in err and err.count("\n") == 1
    assert not (tmp_path / "m.onnx").exists() and not (tmp_path / "o.png").exists()
