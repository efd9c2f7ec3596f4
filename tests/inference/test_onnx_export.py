"""ONNX export of every block and the onnxruntime backend: predictions within 1/255 of
PyTorch's on holes at any batch and size, inpaint-export and inpaint-predict --backend
onnxruntime, and one-line errors for bad inputs."""

import shutil

import numpy as np
import pytest
import torch
from PIL import Image

from inpaint.cli.export import main as export_main
from inpaint.cli.predict import main as predict_main
from inpaint.data import file_array_from_holes
from inpaint.inference import Inpainter, load_pretrained
from inpaint.inference import onnx_export as onnx_export_module
from inpaint.inference.onnx_check import TOLERANCE, hole_difference
from inpaint.inference.onnx_export import export_onnx
from inpaint.inference.onnx_generator import OnnxGenerator, execution_providers
from inpaint.layers import DeformableConv2d
from inpaint.models import UNetGenerator

onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")
pytest.importorskip("onnxscript")

TINY = {"upsample": "resize", "widths": [8, 16], "context_dilations": []}
#: a tiny generator of each shipped block, arranged as the shipped models are
TINY_BLOCKS = {
    "standard": {**TINY, "block": "standard"},
    "dilated": {**TINY, "block": {"name": "dilated", "dilation": 2}},
    "partial": {**TINY, "block": {"name": "partial", "mask_input_channel": False}},
    "gated": {
        **TINY,
        "block": {"name": "gated", "activation": "identity", "kwargs": {"activation": "elu"}},
    },
    "deformable": {**TINY, "block": "deformable", "context_dilations": [2], "outer_levels": 1},
    "fourier": {
        **TINY,
        "block": "fourier",
        "context_dilations": [1],
        "context_residual": True,
        "outer_levels": -1,
    },
}


def _tiny_generator(config: dict) -> UNetGenerator:
    """The generator of `config`; deformable offsets made non-zero, as after training."""
    torch.manual_seed(0)
    generator = UNetGenerator(**config).eval()
    for module in generator.modules():
        if isinstance(module, DeformableConv2d):
            torch.nn.init.normal_(module.offset_conv.weight, std=0.5)
    return generator


@pytest.fixture(scope="module")
def tiny_onnx(tmp_path_factory) -> str:
    """A tiny standard-conv generator exported to ONNX."""
    path = tmp_path_factory.mktemp("onnx") / "tiny.onnx"
    export_onnx(_tiny_generator(TINY_BLOCKS["standard"]), {"generator": TINY}, path)
    return path


@pytest.mark.parametrize("block", sorted(TINY_BLOCKS))
def test_every_block_exports_and_predicts_like_pytorch(tmp_path, block):
    config = TINY_BLOCKS[block]
    generator = _tiny_generator(config)
    export_onnx(generator, {"generator": config, "name": block}, tmp_path / "m.onnx")
    exported = OnnxGenerator(tmp_path / "m.onnx", device="cpu")
    assert exported.card == {"generator": config, "name": block}
    assert exported.size_multiple == generator.size_multiple == 2
    for size in [(24, 40), (37, 23)]:  # the odd one padded as the Inpainter pads any image
        assert hole_difference(generator, exported, size) <= TOLERANCE
    image, known = torch.rand(3, 3, 10, 6), (torch.rand(3, 1, 10, 6) > 0.4).float()
    with torch.no_grad():
        expected = generator(image, known)
    assert (exported(image, known) - expected).abs().max() <= TOLERANCE


def _write_photo_and_mask(folder, size):
    """photo.png (random RGB, `size` = (W, H)) and photo_mask.png; returns pixels and holes."""
    w, h = size
    pixels = np.random.default_rng(0).integers(0, 256, size=(h, w, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(folder / "photo.png")
    holes = np.zeros((h, w), dtype=bool)
    holes[h // 4 : h // 2, w // 5 : w // 2] = True
    holes[-5:, -7:] = True
    Image.fromarray(file_array_from_holes(holes)).save(folder / "photo_mask.png")
    return pixels, holes


def test_export_command_then_predict_with_either_backend(tmp_path, tiny_weights, capsys):
    onnx_path = tmp_path / "new" / "folder" / "tiny.onnx"  # folders created
    export_main(["--model", str(tiny_weights), "--onnx", str(onnx_path)])
    out = capsys.readouterr().out
    assert f"exported {tiny_weights} to {onnx_path}: " in out and " MiB in " in out
    assert "1x3x256x256: " in out and "1x3x301x207 (padded to 302x208): " in out
    metadata = {p.key: p.value for p in onnx.load(onnx_path).metadata_props}
    assert metadata["size_multiple"] == "2" and '"generator"' in metadata["model_card"]

    pixels, holes = _write_photo_and_mask(tmp_path, (37, 29))
    pair = ["--image", str(tmp_path / "photo.png"), "--mask", str(tmp_path / "photo_mask.png")]
    for backend, model in [("torch", tiny_weights), ("onnxruntime", onnx_path)]:
        predict_main(
            [*pair, "--out", str(tmp_path / f"{backend}.png"), "--model", str(model)]
            + ["--backend", backend, "--device", "cpu"]
        )
    with_torch = np.asarray(Image.open(tmp_path / "torch.png")).astype(int)
    with_onnxruntime = np.asarray(Image.open(tmp_path / "onnxruntime.png")).astype(int)
    np.testing.assert_array_equal(with_onnxruntime[~holes], pixels[~holes])
    assert np.abs(with_onnxruntime - with_torch).max() <= 1


def test_the_api_runs_an_export_in_crops_and_downscaled(tmp_path, tiny_onnx):
    pixels, holes = _write_photo_and_mask(tmp_path, (90, 70))
    image, mask = Image.open(tmp_path / "photo.png"), Image.open(tmp_path / "photo_mask.png")
    torch_model = Inpainter(_tiny_generator(TINY_BLOCKS["standard"]), device="cpu")
    onnx_model = load_pretrained(tiny_onnx, device="cpu", backend="onnxruntime")
    for options in [{"strategy": "crops", "max_size": 32}, {"max_size": 20}]:
        expected = np.asarray(torch_model.inpaint(image, mask, **options)).astype(int)
        actual = np.asarray(onnx_model.inpaint(image, mask, **options)).astype(int)
        np.testing.assert_array_equal(actual[~holes], pixels[~holes])
        assert np.abs(actual - expected).max() <= 1


def _exit_message(capsys, main, argv):
    """(exit status, stderr) of a command that exits."""
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    return exit_info.value.code, capsys.readouterr().err


def test_export_command_bad_inputs_are_one_line_errors(tmp_path, tiny_weights, capsys):
    out = str(tmp_path / "m.onnx")
    code, err = _exit_message(capsys, export_main, ["--model", "giant", "--onnx", out])
    assert code == 2 and err.startswith("error: unknown model 'giant'") and err.count("\n") == 1
    code, err = _exit_message(capsys, export_main, ["--model", "gated", "--onnx", "m.pt"])
    assert code == 2 and err == "error: --onnx must name an .onnx file, got m.pt\n"


def test_an_export_that_fails_its_check_or_the_tracer_exits_2(
    tmp_path, tiny_weights, tiny_onnx, monkeypatch, capsys
):
    out = tmp_path / "m.onnx"
    argv = ["--model", str(tiny_weights), "--onnx", str(out)]
    monkeypatch.setattr(
        onnx_export_module, "export_onnx", lambda g, c, p: shutil.copy(tiny_onnx, p)
    )
    monkeypatch.setattr("inpaint.inference.onnx_check.hole_difference", lambda g, e, s: 0.01)
    code, err = _exit_message(capsys, export_main, argv)
    assert code == 2 and err.count("\n") == 1 and not out.exists()
    assert "differs from PyTorch by 1.0e-02 on hole pixels of a 256x256 image" in err

    def untraceable(generator, card, path):
        raise RuntimeError("data-dependent branch\nlong trace")

    monkeypatch.setattr(onnx_export_module, "export_onnx", untraceable)
    code, err = _exit_message(capsys, export_main, argv)
    assert (
        code == 2 and err == f"error: cannot export {tiny_weights} to ONNX: data-dependent branch\n"
    )


def test_predict_refuses_a_name_for_onnxruntime_and_an_onnx_file_for_torch(
    tmp_path, tiny_onnx, capsys
):
    _write_photo_and_mask(tmp_path, (16, 16))
    pair = ["--image", str(tmp_path / "photo.png"), "--mask", str(tmp_path / "photo_mask.png")]
    argv = [*pair, "--out", str(tmp_path / "o.png")]
    code, err = _exit_message(capsys, predict_main, [*argv, "--backend", "onnxruntime"])
    assert code == 2 and err.count("\n") == 1
    assert "export it first with inpaint-export --model fourier --onnx fourier.onnx" in err
    code, err = _exit_message(capsys, predict_main, [*argv, "--model", str(tiny_onnx)])
    assert code == 2 and "is an ONNX export, not PyTorch weights" in err
    assert not (tmp_path / "o.png").exists()


def test_bad_files_devices_and_backends_are_named(tmp_path, tiny_onnx):
    with pytest.raises(FileNotFoundError, match="ONNX model file not found"):
        OnnxGenerator(tmp_path / "missing.onnx")
    (tmp_path / "garbage.onnx").write_bytes(b"not a model")
    with pytest.raises(ValueError, match="garbage.onnx is not a readable ONNX model"):
        OnnxGenerator(tmp_path / "garbage.onnx")
    bare = onnx.load(tiny_onnx)
    del bare.metadata_props[:]
    onnx.save(bare, tmp_path / "bare.onnx")
    with pytest.raises(ValueError, match="has no model card in its metadata"):
        OnnxGenerator(tmp_path / "bare.onnx")
    with pytest.raises(ValueError, match="backend must be one of"):
        load_pretrained(tiny_onnx, backend="tensorrt")
    with pytest.raises(ValueError, match="must be a multiple of 2"):
        OnnxGenerator(tiny_onnx, device="cpu")(torch.rand(1, 3, 5, 4), torch.ones(1, 1, 5, 4))


def test_devices_map_to_onnxruntime_providers():
    cpu_only, with_cuda = (
        ["CPUExecutionProvider"],
        ["CUDAExecutionProvider", "CPUExecutionProvider"],
    )
    assert execution_providers("auto", cpu_only) == ["CPUExecutionProvider"]
    assert execution_providers("auto", with_cuda)[0] == ("CUDAExecutionProvider", {"device_id": 0})
    assert execution_providers("cuda:1", with_cuda)[0] == (
        "CUDAExecutionProvider",
        {"device_id": 1},
    )
    with pytest.raises(ValueError, match="has no CUDA provider"):
        execution_providers("cuda", cpu_only)
    with pytest.raises(ValueError, match="runs on auto, cpu, cuda or cuda:<index>, got 'mps'"):
        execution_providers("mps", with_cuda)
