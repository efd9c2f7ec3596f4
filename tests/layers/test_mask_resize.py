"""resize_mask and the shared input checks."""

import pytest
import torch

from inpaint.layers import resize_mask
from inpaint.layers.checks import check_inputs


def test_none_stays_none_and_same_size_is_returned_unchanged():
    assert resize_mask(None, (4, 4)) is None
    mask = torch.ones(1, 1, 4, 4)
    assert resize_mask(mask, (4, 4)) is mask


def test_downsampling_picks_window_centres_of_a_stride_2_conv():
    mask = torch.arange(16.0).view(1, 1, 4, 4)
    assert resize_mask(mask, (2, 2))[0, 0].tolist() == [[0.0, 2.0], [8.0, 10.0]]


def test_upsampling_repeats_pixels_and_keeps_binary_values():
    mask = torch.tensor([[[[1.0, 0.0], [0.0, 1.0]]]])
    up = resize_mask(mask, (4, 6))
    assert up[0, 0].tolist() == [
        [1, 1, 1, 0, 0, 0],
        [1, 1, 1, 0, 0, 0],
        [0, 0, 0, 1, 1, 1],
        [0, 0, 0, 1, 1, 1],
    ]
    assert resize_mask(torch.ones(2, 3, 5, 5), (3, 3)).shape == (2, 3, 3, 3)


def test_check_inputs_messages():
    x = torch.zeros(2, 3, 4, 4)
    check_inputs(x, None, 3)
    check_inputs(x, torch.ones(2, 3, 4, 4), 3, (1, 3))
    with pytest.raises(ValueError, match=r"expected x of shape \[N, 3, H, W\], got \(3, 4, 4\)"):
        check_inputs(torch.zeros(3, 4, 4), None, 3)
    msg = r"mask of shape \(2, 4, 4\) does not fit x of shape \(2, 3, 4, 4\): "
    msg += r"expected \[2, 1, 4, 4\]"
    with pytest.raises(ValueError, match=msg):
        check_inputs(x, torch.ones(2, 4, 4), 3)
    with pytest.raises(ValueError, match="floating-point"):
        check_inputs(x, torch.ones(2, 1, 4, 4, dtype=torch.uint8), 3)


def test_under_torch_export_the_target_size_stays_symbolic():
    """Resizing to another tensor's size, exported with dynamic sizes, works at other sizes."""

    class ResizeToFeatures(torch.nn.Module):
        def forward(self, mask, features):
            return resize_mask(mask, features.shape[-2:])

    height, width = torch.export.Dim("height", min=3), torch.export.Dim("width", min=3)
    exported = torch.export.export(
        ResizeToFeatures(),
        (torch.rand(1, 1, 12, 20), torch.rand(1, 2, 6, 10)),
        dynamic_shapes=({2: 2 * height, 3: 2 * width}, {2: height, 3: width}),
        strict=False,
    )
    mask = (torch.rand(1, 1, 14, 8) > 0.5).float()
    features = torch.rand(1, 2, 7, 4)
    torch.testing.assert_close(exported.module()(mask, features), resize_mask(mask, (7, 4)))
