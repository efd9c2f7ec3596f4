"""Deformable convolution as bilinear sampling (``F.grid_sample``) followed by one batched GEMM.

``torchvision.ops.deform_conv2d`` computes the same function; its CPU kernel runs its backward
pass on one thread and takes 50-90x a standard conv's forward+backward there, against about 9x
for this version (docs/benchmarks.md). It gathers each output pixel's ``kh * kw`` deformed taps
with ``grid_sample`` straight into im2col layout ``[N, C * kh * kw, H_out * W_out]`` and
multiplies by the weight matrix with ``bmm``, so both passes run on PyTorch's multi-threaded
kernels. :class:`~inpaint.layers.DeformableConv2d` uses it on every device but CUDA.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


def _next_power_of_two(size: int) -> int:
    return 1 << (size - 1).bit_length()


def sampled_deform_conv2d(
    x: Tensor,
    offset: Tensor,
    weight: Tensor,
    bias: Tensor | None,
    stride: tuple[int, int],
    padding: tuple[int, int],
    dilation: tuple[int, int],
    mask: Tensor | None = None,
    exact_integer_grid: bool = True,
) -> Tensor:
    """``torchvision.ops.deform_conv2d`` with the same arguments and layouts.

    Tap ``k = i * kw + j`` of output pixel ``(p, q)`` reads ``x`` bilinearly at
    ``(p * stride - padding + i * dilation + dy, q * stride - padding + j * dilation + dx)``;
    points outside the image read zeros, and at integer positions the offset gradient is the
    one-sided difference towards larger coordinates, both as in torchvision.

    Args:
        x (Tensor[N, C, H, W]): input.
        offset (Tensor[N, 2 * G * kh * kw, H_out, W_out]): per offset group ``G``, per tap,
            ``(dy, dx)``; the ``G`` offset groups split ``C`` into equal parts.
        weight (Tensor[O, C / groups, kh, kw]), bias (Tensor[O] or None): the conv.
        stride, padding, dilation (tuple[int, int]): as ``nn.Conv2d``.
        mask (Tensor[N, G * kh * kw, H_out, W_out], optional): DCN v2 modulation per tap.
        exact_integer_grid (bool): sample ``x`` zero-padded to power-of-two sides, so integer
            positions stay integers and take torchvision's offset gradient. ``False`` samples
            ``x`` as it is: the same values up to float rounding of the coordinates, and no
            Python arithmetic on the input's size, so ``torch.export`` keeps H and W symbolic.

    Returns:
        Tensor[N, O, H_out, W_out] in ``x``'s dtype (half-precision inputs are sampled in
        float32: their coordinates would round to whole pixels).
    """
    n, c, h, w = x.shape
    out_channels, c_per_group, kh, kw = weight.shape
    taps = kh * kw
    h_out = (h + 2 * padding[0] - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    w_out = (w + 2 * padding[1] - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    offset_groups = offset.shape[1] // (2 * taps)
    groups = c // c_per_group
    if (
        offset.shape[-2:] != (h_out, w_out)
        or offset.shape[1] != 2 * offset_groups * taps
        or offset_groups == 0
        or c % offset_groups
        or c % c_per_group
        or out_channels % groups
    ):
        raise ValueError(
            f"deformable conv shapes do not fit: x {list(x.shape)}, offset {list(offset.shape)} "
            f"(expected [{n}, 2 * G * {taps}, {h_out}, {w_out}] with G dividing {c}), "
            f"weight {list(weight.shape)}"
        )
    out_dtype = x.dtype
    dtype = torch.float32 if x.dtype in (torch.float16, torch.bfloat16) else x.dtype
    x, offset, weight = x.to(dtype), offset.to(dtype), weight.to(dtype)

    # With exact_integer_grid, x is sampled zero-padded to power-of-two sides with
    # align_corners=False: pixel position p maps to (2p + 1) / side - 1 and back without
    # rounding, so integer positions stay integers and their offset gradient is torchvision's;
    # padding rows and columns read zero, as outside.
    h_pad, w_pad = h, w
    if exact_integer_grid:
        h_pad, w_pad = _next_power_of_two(h), _next_power_of_two(w)
        if (h_pad, w_pad) != (h, w):
            x = F.pad(x, (0, w_pad - w, 0, h_pad - h))

    def grid_coords(size_out: int, step: int, pad: int, dil: int, size_k: int, side: int):
        """Tensor[size_k, size_out]: grid_sample coordinate of each undeformed (tap, output)."""
        out_pos = torch.arange(size_out, device=x.device, dtype=dtype) * step - pad
        tap_pos = torch.arange(size_k, device=x.device, dtype=dtype) * dil
        return (2 * (tap_pos[:, None] + out_pos[None, :]) + 1) / side - 1

    rows = grid_coords(h_out, stride[0], padding[0], dilation[0], kh, h_pad)  # [kh, H_out]
    cols = grid_coords(w_out, stride[1], padding[1], dilation[1], kw, w_pad)  # [kw, W_out]
    offset = offset.reshape(n, offset_groups, kh, kw, 2, h_out, w_out)
    grid_y = rows[:, None, :, None] + offset[..., 0, :, :] * (2 / h_pad)  # [N, G, kh, kw, Ho, Wo]
    grid_x = cols[None, :, None, :] + offset[..., 1, :, :] * (2 / w_pad)
    grid = torch.stack((grid_x, grid_y), dim=-1).reshape(n * offset_groups, taps, h_out * w_out, 2)
    sampled = F.grid_sample(
        x.reshape(n * offset_groups, c // offset_groups, h_pad, w_pad),
        grid,
        mode="bilinear",
        padding_mode="zeros",
        align_corners=False,
    )  # [N * G, C / G, taps, H_out * W_out]
    if mask is not None:
        sampled = sampled.reshape(
            n, offset_groups, c // offset_groups, taps, h_out * w_out
        ) * mask.to(dtype).reshape(n, offset_groups, 1, taps, h_out * w_out)
    columns = sampled.reshape(n * groups, c_per_group * taps, h_out * w_out)
    weight_rows = weight.reshape(1, groups, out_channels // groups, c_per_group * taps)
    weight_rows = weight_rows.expand(n, -1, -1, -1).reshape(
        n * groups, out_channels // groups, c_per_group * taps
    )
    y = torch.bmm(weight_rows, columns).reshape(n, out_channels, h_out, w_out)
    if bias is not None:
        y = y + bias.to(dtype).reshape(1, -1, 1, 1)
    return y.to(out_dtype)
