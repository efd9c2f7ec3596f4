"""Deformable convolution as bilinear sampling (``F.grid_sample``) followed by one batched GEMM.

``torchvision.ops.deform_conv2d`` computes the same function; its CPU kernel runs its backward
pass on one thread and is about 50x slower than a standard conv there. This version gathers
each output pixel's ``kh * kw`` deformed taps with ``grid_sample`` straight into im2col layout
``[N, C * kh * kw, H_out * W_out]`` and multiplies by the weight matrix with ``bmm``, so both
passes run on PyTorch's multi-threaded kernels and nothing is copied between them.
:class:`~inpaint.layers.DeformableConv2d` uses it on every device but CUDA.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


def sampled_deform_conv2d(
    x: Tensor,
    offset: Tensor,
    weight: Tensor,
    bias: Tensor | None,
    stride: tuple[int, int],
    padding: tuple[int, int],
    dilation: tuple[int, int],
    mask: Tensor | None = None,
) -> Tensor:
    """``torchvision.ops.deform_conv2d`` with the same arguments and layouts.

    Tap ``k = i * kw + j`` of output pixel ``(p, q)`` reads ``x`` bilinearly at
    ``(p * stride - padding + i * dilation + dy, q * stride - padding + j * dilation + dx)``;
    points outside the image read zeros, as in torchvision.

    Args:
        x (Tensor[N, C, H, W]): input.
        offset (Tensor[N, 2 * G * kh * kw, H_out, W_out]): per offset group ``G``, per tap,
            ``(dy, dx)``; the ``G`` offset groups split ``C`` into equal parts.
        weight (Tensor[O, C / groups, kh, kw]), bias (Tensor[O] or None): the conv.
        stride, padding, dilation (tuple[int, int]): as ``nn.Conv2d``.
        mask (Tensor[N, G * kh * kw, H_out, W_out], optional): DCN v2 modulation per tap.

    Returns:
        Tensor[N, O, H_out, W_out]
    """
    n, c, h, w = x.shape
    out_channels, c_per_group, kh, kw = weight.shape
    groups = c // c_per_group
    taps = kh * kw
    h_out, w_out = offset.shape[-2:]
    offset_groups = offset.shape[1] // (2 * taps)

    def base_coords(size_out: int, step: int, pad: int, dil: int, size_k: int) -> Tensor:
        """Tensor[size_k, size_out]: undeformed input coordinate of each (tap, output) pair."""
        out_pos = torch.arange(size_out, device=x.device, dtype=x.dtype) * step - pad
        tap_pos = torch.arange(size_k, device=x.device, dtype=x.dtype) * dil
        return tap_pos[:, None] + out_pos[None, :]

    rows = base_coords(h_out, stride[0], padding[0], dilation[0], kh)  # [kh, H_out]
    cols = base_coords(w_out, stride[1], padding[1], dilation[1], kw)  # [kw, W_out]
    offset = offset.view(n, offset_groups, kh, kw, 2, h_out, w_out)
    y_in = rows[:, None, :, None] + offset[..., 0, :, :]  # [N, G, kh, kw, H_out, W_out]
    x_in = cols[None, :, None, :] + offset[..., 1, :, :]
    # grid_sample's (x, y) in [-1, 1] with align_corners=True: -1 and 1 are pixel centres 0, W-1
    grid = torch.stack(
        (x_in * (2 / max(w - 1, 1)) - 1, y_in * (2 / max(h - 1, 1)) - 1), dim=-1
    ).view(n * offset_groups, taps, h_out * w_out, 2)
    sampled = F.grid_sample(
        x.reshape(n * offset_groups, c // offset_groups, h, w),
        grid,
        mode="bilinear",
        padding_mode="zeros",
        align_corners=True,
    )  # [N * G, C / G, taps, L]
    if mask is not None:
        sampled = sampled.view(n, offset_groups, c // offset_groups, taps, -1) * mask.view(
            n, offset_groups, 1, taps, -1
        )
    columns = sampled.reshape(n * groups, c_per_group * taps, h_out * w_out)
    weight_rows = weight.reshape(1, groups, out_channels // groups, c_per_group * taps)
    weight_rows = weight_rows.expand(n, -1, -1, -1).reshape(n * groups, -1, c_per_group * taps)
    y = torch.bmm(weight_rows, columns).view(n, out_channels, h_out, w_out)
    return y if bias is None else y + bias.view(1, -1, 1, 1)
