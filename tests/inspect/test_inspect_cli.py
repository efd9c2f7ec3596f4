"""inpaint-inspect (markdown and JSON, bad configs), called in-process."""

import json

import pytest

from inpaint.cli import inspect
from inpaint.layers import count_flops, count_params
from inpaint.models import UNetGenerator


def test_inspect_json_totals_match_the_configured_generator(capsys, tiny_generator):
    inspect.main(["--format", "json", "model/block=partial", "debug=tiny"])
    report = json.loads(capsys.readouterr().out)
    generator = UNetGenerator(
        block={"name": "partial", "mask_input_channel": False}, **tiny_generator
    )
    assert report["block"] == "partial" and report["upsample"] == "transposed"
    assert report["input_shape"] == [1, 3, 32, 32] and report["mask_shape"] == [1, 1, 32, 32]
    assert report["total"]["params"] == count_params(generator)
    assert report["total"]["flops"] == count_flops(generator, (1, 3, 32, 32), (1, 1, 32, 32))
    assert [layer["variant"] for layer in report["layers"]][:2] == ["partial", "partial"]
    assert report["layers"][-1]["output_shape"] == [1, 3, 32, 32]


def test_inspect_markdown_lists_every_layer_and_the_totals(capsys):
    inspect.main(["model/upsample=resize", "debug=tiny"])
    out = capsys.readouterr().out
    assert out.startswith("block=standard upsample=resize")
    assert "| upsamplers.0 | resize | 3x3 |" in out
    assert "| **total** |" in out and "| (outside layers) | | | | 0 | 0 |" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["model/block=nonexistent"], "nonexistent"),
        (["data.image_size=34"], "multiple of 4"),
        (["model.generator.widths=[0]"], "widths"),
    ],
)
def test_inspect_bad_config_exits_2_with_a_message(args, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        inspect.main(["debug=tiny", *args])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
