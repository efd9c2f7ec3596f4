"""The U-Net generator: every block x upsample builds and runs, the mask travels, compositing
keeps known pixels bit-exact, and bad inputs are named."""

from functools import partial

import pytest
import torch

from inpaint.layers import available_convs, available_upsamples, create_conv, resize_mask
from inpaint.models import UNetGenerator, composite
from inpaint.models.block_spec import BlockSpec
from inpaint.models.generator import ConvUnit
from inpaint.models.introspection import capture_internals

SMALL = dict(widths=(8, 16, 16), context_dilations=(2,))


def random_mask(n=2, size=32, seed=0):
    generator = torch.Generator().manual_seed(seed)
    return (torch.rand(n, 1, size, size, generator=generator) > 0.4).float()


@pytest.mark.parametrize("upsample", available_upsamples())
@pytest.mark.parametrize("block", available_convs())
def test_every_block_and_upsample_runs_and_backpropagates(block, upsample):
    generator = UNetGenerator(block=block, upsample=upsample, **SMALL)
    image, mask = torch.rand(2, 3, 32, 32), random_mask()
    out = generator(image, mask)
    assert out.shape == image.shape and torch.isfinite(out).all()
    out.mean().backward()
    assert all(p.grad is not None for p in generator.parameters())


def test_composite_returns_known_pixels_bit_exact():
    generator = UNetGenerator(**SMALL)
    image, mask = torch.rand(2, 3, 32, 32), random_mask()
    output = composite(generator(image, mask), image, mask)
    known = mask.expand_as(image) > 0
    assert torch.equal(output[known], image[known])
    assert output.min() >= 0 and output.max() <= 1


def test_hole_pixels_do_not_leak_into_the_input():
    """The prediction must not depend on what the holes contained."""
    generator = UNetGenerator(block={"name": "partial", "mask_input_channel": False}, **SMALL)
    image, mask = torch.rand(2, 3, 32, 32), random_mask()
    other = torch.where(mask > 0, image, torch.rand_like(image))
    assert torch.allclose(generator(image, mask), generator(other, mask), atol=1e-6)


def test_partial_conv_shrinks_holes_level_by_level():
    generator = UNetGenerator(block={"name": "partial", "mask_input_channel": False}, **SMALL)
    mask = torch.ones(1, 1, 32, 32)
    mask[..., 8:24, 8:24] = 0
    internals = capture_internals(generator, torch.rand(1, 3, 32, 32), mask)
    hole_fractions = [
        1 - internals[f"mask/{level}"].mean().item() for level in ("stem", "encoder.0", "encoder.1")
    ]
    assert hole_fractions[0] < 1 - mask.mean().item()
    assert hole_fractions[0] > hole_fractions[1] > hole_fractions[2]


def test_non_partial_blocks_show_no_mask_maps_but_gates_and_offsets():
    image, mask = torch.rand(1, 3, 32, 32), random_mask(1)
    gated = UNetGenerator(block={"name": "gated", "activation": "identity"}, **SMALL)
    deformable = UNetGenerator(block="deformable", **SMALL)
    gate_maps = capture_internals(gated, image, mask)
    offset_maps = capture_internals(deformable, image, mask)
    assert gate_maps and all(name.startswith("gate/") for name in gate_maps)
    assert offset_maps and all(name.startswith("offset/") for name in offset_maps)
    assert all(m.min() >= 0 and m.max() <= 1 for m in gate_maps.values())


def test_a_callable_block_passes_through_the_registry():
    """The generator never branches on names: a functools.partial is a block too."""
    calls = []

    def counting_conv(*args, **kwargs):
        calls.append(args[:2])
        return create_conv("standard", *args, **kwargs)

    generator = UNetGenerator(block={"name": partial(counting_conv)}, **SMALL)
    assert generator(torch.rand(1, 3, 32, 32), random_mask(1)).shape == (1, 3, 32, 32)
    conv_count = sum(1 for _ in generator.modules() if isinstance(_, torch.nn.Conv2d))
    assert len(calls) == conv_count


def test_dilated_block_dilates_all_but_stem_and_head_and_keeps_size():
    generator = UNetGenerator(
        block={"name": "dilated", "dilation": 2}, context_dilations=(), widths=(8, 16)
    )
    dilations = {
        name: m.dilation for name, m in generator.named_modules() if isinstance(m, torch.nn.Conv2d)
    }
    assert dilations.pop("stem.conv") == (1, 1) and dilations.pop("head") == (1, 1)
    assert set(dilations.values()) == {(2, 2)}
    assert generator(torch.rand(1, 3, 16, 16), random_mask(1, 16)).shape == (1, 3, 16, 16)


def test_dilated_block_output_depends_on_every_nearby_input_pixel():
    """A dilated stem before stride-2 dilated convs would read only every other pixel."""
    torch.manual_seed(0)
    block = {"name": "dilated", "dilation": 2}
    generator = UNetGenerator(block=block, context_dilations=(), widths=(8, 16, 16))
    image = torch.rand(1, 3, 32, 32, requires_grad=True)
    generator(image, torch.ones(1, 1, 32, 32))[0, :, 16, 16].sum().backward()
    support = image.grad.abs().sum(dim=1)[0]
    assert (support[12:21, 12:21] > 0).all()


def conv_classes(generator: UNetGenerator) -> dict[str, str]:
    """Class name of every conv the block specs built (not the upsamplers'), by module path."""
    units = {
        name: type(module.conv).__name__
        for name, module in generator.named_modules()
        if isinstance(module, ConvUnit)
    }
    return {**units, "head": type(generator.head).__name__}


def test_outer_levels_take_the_finest_levels_from_outer_block():
    """Levels of SMALL: 0 = stem, fusions.1, head; 1 = encoder.0, fusions.0; 2 = the rest."""
    deformable = type(create_conv("deformable", 1, 1, 3)).__name__
    standard = type(create_conv("standard", 1, 1, 3)).__name__
    plain = UNetGenerator(block="deformable", **SMALL)
    assert set(conv_classes(plain).values()) == {deformable}
    assert conv_classes(UNetGenerator(block="deformable", outer_levels=0, **SMALL)) == (
        conv_classes(plain)
    )
    hybrid = UNetGenerator(block="deformable", outer_levels=2, **SMALL)
    finest_two = ("stem", "encoder.0.", "fusions.0", "fusions.1", "head")
    assert conv_classes(hybrid) == {
        name: standard if name.startswith(finest_two) else deformable
        for name in conv_classes(plain)
    }
    image, mask = torch.rand(2, 3, 32, 32), random_mask()
    hybrid(image, mask).mean().backward()
    assert all(p.grad is not None for p in hybrid.parameters())


def test_the_stem_blocks_mask_channel_decides_the_input_channels():
    partial_block = {"name": "partial", "mask_input_channel": False}
    alone = UNetGenerator(block=partial_block, **SMALL)
    outer_standard = UNetGenerator(block=partial_block, outer_levels=1, **SMALL)
    assert alone.stem.conv.in_channels == 3 and outer_standard.stem.conv.in_channels == 4
    assert (
        UNetGenerator(outer_levels=1, outer_block=partial_block, **SMALL).stem.conv.in_channels == 3
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(block="nope"), "nope"),
        (dict(upsample="nope"), "nope"),
        (dict(widths=(8,)), "widths"),
        (dict(block={"name": "standard", "activation": "swishy"}), "swishy"),
        (dict(block={"name": "standard", "colour": 1}), "colour"),
        (dict(context_dilations=(0,)), "context_dilations"),
        (dict(outer_levels=3), r"outer_levels must be in -2\.\.2"),
        (dict(outer_levels=-3), "outer_levels"),
        (dict(outer_levels=1, outer_block="nope"), "nope"),
    ],
)
def test_bad_generator_config_is_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        UNetGenerator(**{**SMALL, **kwargs})


def test_bad_inputs_are_named():
    generator = UNetGenerator(**SMALL)
    with pytest.raises(ValueError, match="multiple of 4"):
        generator(torch.rand(1, 3, 30, 32), torch.ones(1, 1, 30, 32))
    with pytest.raises(ValueError, match=r"mask must be \[1, 1, 32, 32\]"):
        generator(torch.rand(1, 3, 32, 32), torch.ones(1, 1, 16, 16))
    with pytest.raises(ValueError, match="image must be"):
        generator(torch.rand(1, 4, 32, 32), torch.ones(1, 1, 32, 32))


def test_block_spec_pads_for_same_size():
    conv = BlockSpec(name="standard", dilation=3).conv(4, 4, 5)
    assert conv(torch.rand(1, 4, 20, 20))[0].shape[-2:] == (20, 20)
    assert resize_mask(None, (4, 4)) is None


def test_encoder_stages_run_in_forward_order_and_the_coarsest_layer_feeds_the_decoder():
    generator = UNetGenerator(**SMALL)
    stages = dict(generator.encoder_stages())
    watched = {**stages, "coarsest": generator.coarsest_layer(), "up": generator.upsamplers[0]}
    widths = {}

    def record(name):
        def hook(_module, _args, output):
            widths[name] = output[0].shape[-1]

        return hook

    hooks = [layer.register_forward_hook(record(name)) for name, layer in watched.items()]
    generator(torch.rand(1, 3, 32, 32), torch.ones(1, 1, 32, 32))
    for hook in hooks:
        hook.remove()
    assert list(widths) == ["stem", "encoder.0", "encoder.1", "coarsest", "up"]  # call order
    assert [widths[name] for name in stages] == [32, 16, 8]
    assert generator.coarsest_layer() is generator.context[-1]
    plain = UNetGenerator(**{**SMALL, "context_dilations": ()})
    assert plain.coarsest_layer() is plain.encoder[-1][-1]
