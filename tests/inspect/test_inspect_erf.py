"""Effective receptive field measurements, their radii, deformable sampling points and
loading trained generator weights."""

import pytest
import torch

from inpaint.inspect.config import InspectError, config_masks, load_generator_weights
from inpaint.inspect.erf import (
    centre_hole,
    coarsest_centre_unit,
    input_gradient,
    mass_radius,
    output_centre_unit,
    sampling_points,
    support_size,
)
from inpaint.inspect.summary import summarize
from inpaint.layers import create_conv
from inpaint.models import UNetGenerator
from inpaint.utils import compose_train_config

SMALL = dict(widths=(4, 8, 8), context_dilations=(2,))


def conv_erf(dilation: int, size: int = 11) -> torch.Tensor:
    torch.manual_seed(0)
    conv = create_conv("standard", 3, 4, 3, padding=dilation, dilation=dilation)
    c = size // 2

    def unit(x, mask):
        return conv(x, mask)[0][:, :, c, c].sum(1)

    return input_gradient(unit, torch.rand(4, 3, size, size), torch.ones(4, 1, size, size))


def test_single_3x3_conv_has_exactly_3x3_support():
    expected = torch.zeros(11, 11, dtype=torch.bool)
    expected[4:7, 4:7] = True
    assert torch.equal(conv_erf(1).ne(0), expected)


def test_dilated_3x3_conv_has_5x5_support_with_holes():
    grad = conv_erf(2)
    expected = torch.zeros(11, 11, dtype=torch.bool)
    expected[3:8:2, 3:8:2] = True  # 9 taps two pixels apart
    assert torch.equal(grad.ne(0), expected)
    assert support_size(grad) == (5, 5) and int(grad.ne(0).sum()) == 9


def test_mass_radius_of_a_known_map():
    grad = torch.zeros(9, 9)
    grad[4, 4] = 0.5  # r = 0
    grad[3, 4] = grad[5, 4] = 0.15  # r = 1
    grad[1, 4] = grad[4, 7] = 0.1  # r = 3
    assert mass_radius(grad, (4, 4), 0.45) == 0
    assert mass_radius(grad, (4, 4), 0.55) == 1
    assert mass_radius(grad, (4, 4), 0.75) == 1
    assert mass_radius(grad, (4, 4), 0.85) == 3
    assert mass_radius(grad, (4, 4), 1.0) == 3
    with pytest.raises(ValueError, match="fraction"):
        mass_radius(grad, (4, 4), 0.0)


def test_coarsest_support_equals_its_theoretical_receptive_field():
    torch.manual_seed(0)
    generator = UNetGenerator(**SMALL)
    size = 64
    rows = {r.name: r for r in summarize(generator, (1, 3, size, size), (1, 1, size, size)).rows}
    images, masks = torch.rand(2, 3, size, size), torch.ones(2, 1, size, size)
    grad = input_gradient(coarsest_centre_unit(generator), images, masks, chunk=1)
    assert support_size(grad) == rows["context.0"].receptive_field == (39, 39)
    out = input_gradient(output_centre_unit(generator), images, masks)
    assert max(support_size(out)) <= rows["head"].receptive_field[0]
    assert mass_radius(out, (32, 32), 0.95) < mass_radius(grad, (32, 32), 0.95)


def test_holes_have_zero_gradient():
    generator = UNetGenerator(**SMALL)
    masks = centre_hole(torch.ones(1, 1, 32, 32), 12)
    grad = input_gradient(output_centre_unit(generator), torch.rand(1, 3, 32, 32), masks)
    assert grad[masks[0, 0] == 0].abs().max() == 0
    assert grad[masks[0, 0] == 1].abs().max() > 0


def test_config_masks_come_from_the_training_mask_generator():
    cfg = compose_train_config(["mask=box"])
    masks = config_masks(cfg, 4, 32, seed=3)
    assert masks.shape == (4, 1, 32, 32) and set(masks.unique().tolist()) <= {0.0, 1.0}
    holes = 1 - masks.mean((1, 2, 3))
    assert (holes >= cfg.mask.min_ratio).all() and (holes <= cfg.mask.max_ratio).all()
    assert torch.equal(masks, config_masks(cfg, 4, 32, seed=3))
    assert not torch.equal(masks, config_masks(cfg, 4, 32, seed=4))


def test_sampling_points_move_by_the_offsets():
    kernel, stride, padding, dilation = (3, 3), (1, 1), (2, 2), (2, 2)
    offsets = torch.zeros(18, 5, 5)
    grid, moved = sampling_points(offsets, kernel, stride, padding, dilation, (2, 2))
    assert torch.equal(grid, moved)
    assert grid[0].tolist() == [0, 0] and grid[-1].tolist() == [4, 4]  # 2 - 2 + {0, 4}
    offsets[0, 2, 2], offsets[1, 2, 2] = 1.5, -0.5  # tap 0: (dy, dx)
    _, moved = sampling_points(offsets, kernel, stride, padding, dilation, (2, 2))
    assert moved[0].tolist() == [1.5, -0.5] and torch.equal(moved[1:], grid[1:])


def test_load_generator_weights_from_a_lightning_checkpoint(tmp_path):
    trained = UNetGenerator(**SMALL)
    state = {f"generator.{k}": v for k, v in trained.state_dict().items()}
    state["discriminator.w"] = torch.zeros(1)
    path = tmp_path / "last.ckpt"
    torch.save({"state_dict": state, "global_step": 3}, path)
    fresh = UNetGenerator(**SMALL)
    load_generator_weights(fresh, path)
    assert all(
        torch.equal(a, b)
        for a, b in zip(fresh.state_dict().values(), trained.state_dict().values(), strict=True)
    )

    with pytest.raises(InspectError, match="does not match"):
        load_generator_weights(UNetGenerator(block="gated", **SMALL), path)
    with pytest.raises(InspectError, match="no such checkpoint"):
        load_generator_weights(fresh, tmp_path / "missing.ckpt")
    (tmp_path / "bad.ckpt").write_bytes(b"not a checkpoint")
    with pytest.raises(InspectError, match="bad.ckpt"):
        load_generator_weights(fresh, tmp_path / "bad.ckpt")
    torch.save({"state_dict": {"other.w": torch.zeros(1)}}, tmp_path / "other.ckpt")
    with pytest.raises(InspectError, match="no 'generator.' weights"):
        load_generator_weights(fresh, tmp_path / "other.ckpt")


def test_centre_hole_is_centred_and_keeps_the_input():
    masks = torch.ones(2, 1, 8, 8)
    holed = centre_hole(masks, 4)
    assert masks.min() == 1
    assert holed[0, 0, 2:6, 2:6].max() == 0 and holed.sum() == 2 * (64 - 16)
