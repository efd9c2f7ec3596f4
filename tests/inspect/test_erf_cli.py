"""scripts/erf.py, called in-process: pictures, table, trained checkpoints, bad input."""

import pytest
import torch

from inpaint.cli import erf
from inpaint.models import UNetGenerator

SMALL = ["model.generator.widths=[8,16,16]", "model.generator.context_dilations=[2]"]


def test_erf_saves_pictures_and_prints_the_table(tmp_path, capsys):
    generator = UNetGenerator(
        block={"name": "gated", "activation": "identity"},
        widths=(8, 16, 16),
        context_dilations=(2,),
    )
    state = {f"generator.{k}": v + 0.01 for k, v in generator.state_dict().items()}
    torch.save({"state_dict": state}, tmp_path / "gated.ckpt")
    out = tmp_path / "images"
    erf.main(
        [
            "--variants",
            "partial,gated,deformable",
            "--samples",
            "1",
            "--image-size",
            "32",
            "--out",
            str(out),
            "--checkpoint",
            f"gated={tmp_path / 'gated.ckpt'}",
            *SMALL,
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


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--variants", "nonexistent"], "unknown variant 'nonexistent'"),
        (["--variants", "gated", "--checkpoint", "gated"], "NAME=PATH"),
        (["--variants", "gated", "--checkpoint", "partial=x.ckpt"], "not among --variants"),
        (["--variants", "gated", "--checkpoint", "gated=missing.ckpt"], "missing.ckpt"),
        (["--variants", "gated", "--image", "missing.jpg"], "missing.jpg"),
    ],
)
def test_erf_bad_input_exits_2_naming_the_problem(args, message, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        erf.main([*args, "--samples", "1", "--image-size", "32", "--out", str(tmp_path), *SMALL])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
