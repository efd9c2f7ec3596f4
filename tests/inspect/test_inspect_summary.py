"""The per-layer summary: receptive fields of known stacks, exact decoder receptive fields
against measured gradient supports, and rows that add up to the whole model's counts."""

import pytest
import torch

from inpaint.inspect.erf import support_size
from inpaint.inspect.summary import LayerStack, named_layers, summarize
from inpaint.layers import count_flops, count_params, create_conv, receptive_field
from inpaint.models import UNetGenerator

SMALL = dict(widths=(4, 8, 8), context_dilations=(2,))


def stack(*layers):
    """LayerStack of 1-channel standard convs from (kernel, stride, dilation) triples."""
    return LayerStack(
        [
            create_conv("standard", 1, 1, k, stride=s, padding=d * (k - 1) // 2, dilation=d)
            for k, s, d in layers
        ]
    )


@pytest.mark.parametrize(
    ("layers", "expected"),
    [
        ([(3, 1, 1)], 3),
        ([(3, 1, 1), (3, 1, 1)], 5),
        ([(3, 1, 2), (3, 1, 3)], 11),  # 5, then + 6
        ([(3, 1, 1), (3, 2, 1), (3, 1, 1)], 9),  # 3, 5, then + 2 * 2 after the stride
        ([(3, 1, 2), (3, 2, 1), (3, 1, 3)], 19),  # 5, 7, then + 6 * 2
    ],
)
def test_receptive_field_of_known_stacks(layers, expected):
    summary = summarize(stack(*layers), (1, 1, 64, 64), (1, 1, 64, 64))
    assert summary.rows[-1].receptive_field == (expected, expected)
    assert expected == receptive_field(layers)
    # every row is the receptive field of the stack up to it
    for i, row in enumerate(summary.rows):
        assert row.receptive_field[0] == receptive_field(layers[: i + 1])


def test_encoder_rows_are_receptive_field_of_the_conv_stack():
    generator = UNetGenerator(**SMALL)
    rows = {r.name: r for r in summarize(generator, (1, 3, 64, 64), (1, 1, 64, 64)).rows}
    path = [(5, 1, 1), (3, 2, 1), (3, 1, 1), (3, 2, 1), (3, 1, 1), (3, 1, 2)]
    assert rows["context.0"].receptive_field == (receptive_field(path),) * 2 == (39, 39)
    assert rows["context.0"].jump == (4, 4)


@pytest.mark.parametrize("upsample", ["transposed", "resize", "pixelshuffle"])
def test_decoder_receptive_field_is_the_largest_measured_support(upsample):
    """Theory is exact: for each layer, the largest support of the gradient of one output
    pixel over all phases equals the summary's receptive field (random weights, LeakyReLU,
    no mask holes, image larger than the field)."""
    torch.manual_seed(0)
    generator = UNetGenerator(upsample=upsample, **SMALL)
    size, phases = 96, 4  # two upsamplings by 2: four phases
    summary = summarize(generator, (1, 3, size, size), (1, 1, size, size))
    outputs = {}
    for name, layer in named_layers(generator):
        layer.register_forward_hook(lambda _m, _a, out, name=name: outputs.update({name: out}))
    # sample i asks about the pixel i steps right and down of the centre
    image = torch.rand(1, 3, size, size).repeat(phases, 1, 1, 1).requires_grad_(True)
    generator(image, torch.ones(phases, 1, size, size))
    for row in summary.rows:
        y = outputs[row.name][0] if isinstance(outputs[row.name], tuple) else outputs[row.name]
        cy, cx = y.shape[-2] // 2, y.shape[-1] // 2
        unit = sum(y[i, :, cy + i, cx + i].sum() for i in range(phases))
        (grad,) = torch.autograd.grad(unit, image, retain_graph=True)
        measured = [support_size(g.abs().sum(0)) for g in grad]
        assert max(h for h, _ in measured) == row.receptive_field[0], row.name
        assert max(w for _, w in measured) == row.receptive_field[1], row.name


@pytest.mark.parametrize(
    "block",
    [
        "standard",
        "dilated",
        {"name": "partial", "mask_input_channel": False},
        "gated",
        "deformable",
        {"name": "deformable", "kwargs": {"modulated": True}},
        "separable",
        "bottleneck",
    ],
)
def test_rows_add_up_to_the_whole_model(block):
    generator = UNetGenerator(block=block, upsample="pixelshuffle", **SMALL)
    summary = summarize(generator, (1, 3, 32, 32), (1, 1, 32, 32))
    assert summary.total_params == count_params(generator)
    assert summary.total_flops == count_flops(generator, (1, 3, 32, 32), (1, 1, 32, 32))
    # everything with parameters or FLOPs sits in a row: the input normalisation,
    # concatenations and mask maxima between layers count 0 FLOPs
    assert sum(row.params for row in summary.rows) == summary.total_params
    assert sum(row.flops for row in summary.rows) == summary.total_flops
    assert summary.outside_params == summary.outside_flops == 0


def test_rows_follow_the_forward_order_with_shapes():
    generator = UNetGenerator(**SMALL)
    rows = summarize(generator, (1, 3, 32, 32), (1, 1, 32, 32)).rows
    assert [r.name for r in rows] == [
        "stem",
        "encoder.0.0",
        "encoder.0.1",
        "encoder.1.0",
        "encoder.1.1",
        "context.0",
        "upsamplers.0",
        "fusions.0",
        "upsamplers.1",
        "fusions.1",
        "head",
    ]
    assert rows[3].output_shape == (1, 8, 8, 8)
    assert rows[-1].output_shape == (1, 3, 32, 32)
    assert [r.variant for r in rows[:2]] == ["standard", "standard"]
    assert rows[6].variant == "transposed"
    assert [s.label() for s in rows[6].convs] == ["T4x4/2"]


def test_outside_row_holds_flops_outside_layers():
    class Scaled(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = create_conv("standard", 2, 2, 3, padding=1)
            self.mix = torch.nn.Parameter(torch.ones(2, 2))

        def forward(self, x, mask):
            y, mask = self.conv(x, mask)
            return torch.einsum("nchw,cd->ndhw", y, self.mix), mask

    summary = summarize(Scaled(), (1, 2, 8, 8), (1, 1, 8, 8))
    assert [r.name for r in summary.rows] == ["conv"]
    assert summary.outside_params == 4
    assert summary.outside_flops == 2 * 2 * 2 * 8 * 8  # the einsum's multiply-accumulates


def test_a_layer_run_twice_is_refused():
    conv = create_conv("standard", 1, 1, 3, padding=1)

    class Twice(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = conv

        def forward(self, x, mask):
            return self.conv(*self.conv(x, mask))

    with pytest.raises(ValueError, match="runs more than once"):
        summarize(Twice(), (1, 1, 8, 8), (1, 1, 8, 8))


def test_markdown_and_dict_agree():
    summary = summarize(UNetGenerator(**SMALL), (1, 3, 32, 32), (1, 1, 32, 32))
    text = summary.to_markdown()
    data = summary.to_dict()
    assert f"**{summary.total_params:,}**" in text and f"**{summary.total_flops:,}**" in text
    assert len(data["layers"]) == len(summary.rows)
    assert data["layers"][-1]["receptive_field"] == list(summary.rows[-1].receptive_field)
    assert text.count("\n| ") == len(summary.rows) + 3  # header, rows, outside, total
