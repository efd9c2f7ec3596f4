"""scripts/erf.py, called in-process: pictures, table, trained checkpoints, pretrained models,
bad input."""

import pytest
import torch

from inpaint.cli import erf
from inpaint.inference.weights import save_generator
from inpaint.models import UNetGenerator


def quick(out) -> list[str]:
    """One 32x32 sample per measurement, pictures into `out`."""
    return ["--samples", "1", "--image-size", "32", "--out", str(out)]


def test_erf_saves_pictures_and_prints_the_table(tmp_path, capsys, tiny_generator):
    generator = UNetGenerator(block={"name": "gated", "activation": "identity"}, **tiny_generator)
    state = {f"generator.{k}": v + 0.01 for k, v in generator.state_dict().items()}
    torch.save({"state_dict": state}, tmp_path / "gated.ckpt")
    out = tmp_path / "images"
    erf.main(
        [
            "--variants",
            "partial,gated,deformable",
            *quick(out),
            "--checkpoint",
            f"gated={tmp_path / 'gated.ckpt'}",
            "debug=tiny",
        ]
    )
    table = capsys.readouterr().out
    for name in (
        "erf_single_conv",
        "erf_partial",
        "masks_partial",
        "erf_gated",
        "gates_gated",
        "erf_gated_trained",
        "gates_gated_trained",
        "erf_deformable",
        "offsets_deformable",
    ):
        assert (out / f"{name}.png").is_file(), name
    assert not (out / "gates_partial.png").exists() and not (out / "masks_gated.png").exists()
    assert "| gated | trained | output |" in table
    assert table.count("| bottleneck |") == table.count("| output in hole |") == 4


def test_erf_measures_pretrained_models_built_from_their_cards(tmp_path, capsys):
    kwargs = dict(
        block={"name": "gated", "activation": "identity"}, widths=[8, 16], context_dilations=[2]
    )
    save_generator(UNetGenerator(**kwargs), {"generator": kwargs}, tmp_path / "tiny.safetensors")
    out = tmp_path / "images"
    erf.main(
        [
            "--variants",
            "",
            "--pretrained",
            f"standard,{tmp_path / 'tiny.safetensors'}",
            *quick(out),
        ]
    )
    table = capsys.readouterr().out
    assert "| standard | pretrained | output in hole |" in table
    assert "| tiny | pretrained | bottleneck |" in table
    assert table.count("| bottleneck |") == 2
    for name in ("erf_standard_pretrained", "erf_tiny_pretrained", "gates_tiny_pretrained"):
        assert (out / f"{name}.png").is_file(), name
    assert not (out / "erf_standard.png").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--variants", "nonexistent"], "unknown variant 'nonexistent'"),
        (["--variants", "gated", "--checkpoint", "gated"], "NAME=PATH"),
        (["--variants", "gated", "--checkpoint", "partial=x.ckpt"], "not among --variants"),
        (["--variants", "gated", "--checkpoint", "gated=missing.ckpt"], "missing.ckpt"),
        (["--variants", "gated", "--image", "missing.jpg"], "missing.jpg"),
        (["--variants", "", "--pretrained", "nonexistent"], "unknown model 'nonexistent'"),
        (["--variants", "", "--pretrained", "gone.safetensors"], "gone.safetensors"),
    ],
)
def test_erf_bad_input_exits_2_naming_the_problem(args, message, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        erf.main([*args, *quick(tmp_path), "debug=tiny"])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_erf_rejects_an_image_size_the_pretrained_model_cannot_take(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        erf.main(
            ["--variants", "", "--pretrained", "standard", "--image-size", "36"]
            + ["--out", str(tmp_path)]
        )
    assert exit_info.value.code == 2
    assert "--image-size 36 must be a multiple of 8" in capsys.readouterr().err


def test_erf_refuses_two_models_of_one_name_naming_both(tmp_path, capsys):
    kwargs = dict(block="standard", widths=[8, 16], context_dilations=[])
    for file in ("a", "b"):
        card = {"generator": kwargs, "name": "mine"}
        save_generator(UNetGenerator(**kwargs), card, tmp_path / f"{file}.safetensors")
    a, b = tmp_path / "a.safetensors", tmp_path / "b.safetensors"
    with pytest.raises(SystemExit) as exit_info:
        erf.main(["--variants", "", "--pretrained", f"{a},{b}", *quick(tmp_path / "out")])
    assert exit_info.value.code == 2
    assert f"--pretrained '{a}' and '{b}' are both named 'mine'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
