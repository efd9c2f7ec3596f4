"""Deformable convolution as bilinear sampling into im2col layout followed by a GEMM.

``torchvision.ops.deform_conv2d`` computes the same function; its CPU kernel runs its backward
pass on one thread and takes 50-90x a standard conv's forward+backward there.
:class:`~inpaint.layers.DeformableConv2d` uses this version on every device but CUDA. Each of
an output pixel's ``kh * kw`` deformed taps is the weighted sum of its four neighbouring pixels'
channels-last rows of ``x``; :func:`~inpaint.layers.gathered_matmul.gathered_matmul` gathers
these sums as im2col columns ``[N * H_out * W_out, kh * kw * C]`` a cache-sized chunk at a
time and multiplies each chunk by the weight, giving a channels-last output. Under
``torch.export`` the taps are sampled with ``F.grid_sample`` into columns
``[N, C * kh * kw, H_out * W_out]`` instead, which ONNX expresses for any input size.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import Tensor

from .gathered_matmul import gathered_matmul


class _Geometry(NamedTuple):
    """The sizes and conv arguments of one call: batch, channels and input size, the weight's
    output channels, channels per group and kernel, the output size, taps, groups."""

    n: int
    c: int
    h: int
    w: int
    out_channels: int
    c_per_group: int
    kh: int
    kw: int
    h_out: int
    w_out: int
    taps: int
    offset_groups: int
    groups: int
    stride: tuple[int, int]
    padding: tuple[int, int]
    dilation: tuple[int, int]


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
        x (Tensor[N, C, H, W]): input; channels-last memory avoids one copy.
        offset (Tensor[N, 2 * G * kh * kw, H_out, W_out]): per offset group ``G``, per tap,
            ``(dy, dx)``; the ``G`` offset groups split ``C`` into equal parts.
        weight (Tensor[O, C / groups, kh, kw]), bias (Tensor[O] or None): the conv.
        stride, padding, dilation (tuple[int, int]): as ``nn.Conv2d``.
        mask (Tensor[N, G * kh * kw, H_out, W_out], optional): DCN v2 modulation per tap.
        exact_integer_grid (bool): gather the four neighbours by index, as torchvision does.
            ``False`` samples with ``F.grid_sample``: the same values up to float rounding of
            its normalised coordinates (so at integer positions the offset gradient may take
            either side), and no Python arithmetic on the input's size, so ``torch.export``
            keeps H and W symbolic.

    Returns:
        Tensor[N, O, H_out, W_out] in ``x``'s dtype, channels-last unless sampled with
        ``grid_sample`` (half-precision inputs are sampled in float32: their coordinates would
        round to whole pixels).
    """
    n, c, h, w = x.shape
    out_channels, c_per_group, kh, kw = weight.shape
    taps = kh * kw
    h_out = (h + 2 * padding[0] - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    w_out = (w + 2 * padding[1] - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    offset_groups = offset.shape[1] // (2 * taps)
    if (
        offset.shape[-2:] != (h_out, w_out)
        or offset.shape[1] != 2 * offset_groups * taps
        or offset_groups == 0
        or c % offset_groups
        or c % c_per_group
        or out_channels % (c // c_per_group)
    ):
        raise ValueError(
            f"deformable conv shapes do not fit: x {list(x.shape)}, offset {list(offset.shape)} "
            f"(expected [{n}, 2 * G * {taps}, {h_out}, {w_out}] with G dividing {c}), "
            f"weight {list(weight.shape)}"
        )
    out_dtype = x.dtype
    dtype = torch.float32 if x.dtype in (torch.float16, torch.bfloat16) else x.dtype
    x, offset, weight = x.to(dtype), offset.to(dtype), weight.to(dtype)
    mask = None if mask is None else mask.to(dtype)
    geometry = _Geometry(
        n, c, h, w, out_channels, c_per_group, kh, kw, h_out, w_out, taps, offset_groups,
        c // c_per_group, stride, padding, dilation,
    )  # fmt: skip
    deform = _gathered_deform_conv2d if exact_integer_grid else _grid_sampled_deform_conv2d
    y = deform(x, offset, weight, mask, geometry)
    if bias is not None:
        y = y + bias.to(dtype).reshape(1, -1, 1, 1)
    return y.to(out_dtype)


def _bilinear_neighbours(position: Tensor, size: int) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """The pixels before and after each position along one axis, and their bilinear weights.

    Args:
        position (Tensor[...]): pixel coordinates, any real values.
        size (int): pixels along the axis.

    Returns:
        low, high (Tensor[...], int64): ``floor(position)`` and the pixel after it; 0 where outside.
        low_weight, high_weight (Tensor[...]): ``1 - frac`` and ``frac``; 0 where outside.
    """
    low = position.floor()
    # floor has no gradient, so frac's is 1 everywhere: at integer positions the derivative is
    # the difference towards the next pixel, torchvision's convention
    frac = position - low
    low_inside = (low >= 0) & (low < size)
    high_inside = (low >= -1) & (low < size - 1)
    return (
        torch.where(low_inside, low, 0).long(),
        torch.where(high_inside, low + 1, 0).long(),
        (1 - frac) * low_inside,
        frac * high_inside,
    )


def _gathered_deform_conv2d(
    x: Tensor, offset: Tensor, weight: Tensor, mask: Tensor | None, geometry: _Geometry
) -> Tensor:
    """Deformable conv without bias by gathering channels-last rows; Tensor[N, O, H_out, W_out]."""
    (n, c, h, w, out_channels, c_per_group, kh, kw, h_out, w_out, taps, offset_groups, groups,
     stride, padding, dilation) = geometry  # fmt: skip
    device, dtype = x.device, x.dtype

    def undeformed(size_out: int, step: int, pad: int, dil: int, size_k: int) -> Tensor:
        """Tensor[size_out, size_k]: coordinate of each (output, tap) on the regular grid."""
        out_pos = torch.arange(size_out, device=device, dtype=dtype) * step - pad
        return out_pos[:, None] + torch.arange(size_k, device=device, dtype=dtype) * dil

    # one sampled point per (n, p, q, tap, offset group)
    offset = offset.permute(0, 2, 3, 1).reshape(n, h_out, w_out, offset_groups, taps, 2)
    offset = offset.transpose(3, 4)
    rows = undeformed(h_out, stride[0], padding[0], dilation[0], kh)
    rows = rows[:, :, None].expand(h_out, kh, kw).reshape(1, h_out, 1, taps, 1)
    cols = undeformed(w_out, stride[1], padding[1], dilation[1], kw)
    cols = cols[:, None, :].expand(w_out, kh, kw).reshape(1, 1, w_out, taps, 1)
    top, bottom, top_weight, bottom_weight = _bilinear_neighbours(rows + offset[..., 0], h)
    left, right, left_weight, right_weight = _bilinear_neighbours(cols + offset[..., 1], w)
    if mask is not None:
        mask = mask.permute(0, 2, 3, 1).reshape(n, h_out, w_out, offset_groups, taps)
        mask = mask.transpose(3, 4)
        top_weight, bottom_weight = top_weight * mask, bottom_weight * mask
    corner_weight = torch.stack(
        (top_weight * left_weight, top_weight * right_weight)
        + (bottom_weight * left_weight, bottom_weight * right_weight),
        dim=-1,
    )  # [N, Ho, Wo, taps, G, 4]
    image = torch.arange(n, device=device).reshape(n, 1, 1, 1, 1) * (h * w)
    top, bottom = image + top * w, image + bottom * w
    corner = torch.stack((top + left, top + right, bottom + left, bottom + right), dim=-1)

    # x is read as rows of C / S channels, ordered (n, y, x, segment): the S = lcm(G, groups)
    # segments each lie in one offset group and one conv group. The gathered columns of an
    # output pixel are ordered (conv group, tap, segment in the group, channel), so each conv
    # group's columns are contiguous, tap-major like the weight as [groups, kh, kw, C / groups, O].
    segments = math.lcm(offset_groups, groups)
    if segments > 1:
        segment = torch.arange(segments, device=device)
        offset_group = segment // (segments // offset_groups)
        corner = corner[..., offset_group, :] * segments + segment[:, None]
        corner_weight = corner_weight[..., offset_group, :]
    if groups > 1:
        shape = (n, h_out, w_out, taps, groups, segments // groups, 4)
        corner = corner.reshape(shape).transpose(3, 4)
        corner_weight = corner_weight.reshape(shape).transpose(3, 4)
    o_per_group = out_channels // groups
    matrix = weight.reshape(groups, o_per_group, c_per_group, taps).permute(0, 3, 2, 1)
    y = gathered_matmul(
        x.permute(0, 2, 3, 1).reshape(n * h * w * segments, c // segments),
        corner.reshape(n * h_out * w_out, taps * segments, 4),
        corner_weight.reshape(n * h_out * w_out, taps * segments, 4),
        matrix.reshape(groups, taps * c_per_group, o_per_group),
    )
    return y.view(n, h_out, w_out, out_channels).permute(0, 3, 1, 2)


def _grid_sampled_deform_conv2d(
    x: Tensor, offset: Tensor, weight: Tensor, mask: Tensor | None, geometry: _Geometry
) -> Tensor:
    """Deformable conv without bias by ``F.grid_sample``; Tensor[N, O, H_out, W_out]."""
    dtype = x.dtype
    (n, c, h, w, out_channels, c_per_group, kh, kw, h_out, w_out, taps, offset_groups, groups,
     stride, padding, dilation) = geometry  # fmt: skip

    def grid_coords(size_out: int, step: int, pad: int, dil: int, size_k: int, side: int):
        """Tensor[size_k, size_out]: grid_sample coordinate of each undeformed (tap, output)."""
        out_pos = torch.arange(size_out, device=x.device, dtype=dtype) * step - pad
        tap_pos = torch.arange(size_k, device=x.device, dtype=dtype) * dil
        return (2 * (tap_pos[:, None] + out_pos[None, :]) + 1) / side - 1

    # align_corners=False: pixel position p maps to (2p + 1) / side - 1
    rows = grid_coords(h_out, stride[0], padding[0], dilation[0], kh, h)  # [kh, H_out]
    cols = grid_coords(w_out, stride[1], padding[1], dilation[1], kw, w)  # [kw, W_out]
    offset = offset.reshape(n, offset_groups, kh, kw, 2, h_out, w_out)
    grid_y = rows[:, None, :, None] + offset[..., 0, :, :] * (2 / h)  # [N, G, kh, kw, Ho, Wo]
    grid_x = cols[None, :, None, :] + offset[..., 1, :, :] * (2 / w)
    grid = torch.stack((grid_x, grid_y), dim=-1).reshape(n * offset_groups, taps, h_out * w_out, 2)
    sampled = F.grid_sample(
        x.reshape(n * offset_groups, c // offset_groups, h, w),
        grid,
        mode="bilinear",
        padding_mode="zeros",
        align_corners=False,
    )  # [N * G, C / G, taps, H_out * W_out]
    if mask is not None:
        sampled = sampled.reshape(
            n, offset_groups, c // offset_groups, taps, h_out * w_out
        ) * mask.reshape(n, offset_groups, 1, taps, h_out * w_out)
    columns = sampled.reshape(n, groups, c_per_group * taps, h_out * w_out)
    weight_rows = weight.reshape(groups, out_channels // groups, c_per_group * taps)
    return torch.matmul(weight_rows, columns).reshape(n, out_channels, h_out, w_out)
