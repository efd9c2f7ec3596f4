"""Convolution arithmetic: output sizes, receptive fields, parameter and FLOP counts.

Output-size formulas are those of the ``nn.Conv2d`` / ``nn.ConvTranspose2d`` docs; the
receptive-field recurrence follows Dumoulin & Visin, "A guide to convolution arithmetic for
deep learning" (2016) and Araujo et al., "Computing Receptive Fields of Convolutional Neural
Networks" (Distill, 2019). FLOPs come from ``torch.utils.flop_counter.FlopCounterMode``,
which counts 2 FLOPs per multiply-accumulate (MAC) and ignores bias additions and
element-wise operations.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import torch
import torchvision.ops  # noqa: F401  (registers torch.ops.torchvision.deform_conv2d)
from torch import nn
from torch.utils.flop_counter import FlopCounterMode


def conv_output_size(
    size: int, kernel_size: int, stride: int = 1, padding: int = 0, dilation: int = 1
) -> int:
    """Output length of a convolution along one spatial dimension (``nn.Conv2d`` docs).

    ``floor((size + 2 * padding - dilation * (kernel_size - 1) - 1) / stride) + 1``

    Raises:
        ValueError: if the result is smaller than 1 (the input is too small).
    """
    out = (size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1
    if out < 1:
        raise ValueError(
            f"input size {size} is too small for kernel_size={kernel_size}, "
            f"padding={padding}, dilation={dilation}"
        )
    return out


def conv_transpose_output_size(
    size: int,
    kernel_size: int,
    stride: int = 1,
    padding: int = 0,
    output_padding: int = 0,
    dilation: int = 1,
) -> int:
    """Output length of a transposed convolution along one dimension (``nn.ConvTranspose2d``).

    ``(size - 1) * stride - 2 * padding + dilation * (kernel_size - 1) + output_padding + 1``

    Raises:
        ValueError: if ``output_padding >= max(stride, dilation)`` (PyTorch rejects it) or the
            result is smaller than 1.
    """
    if not 0 <= output_padding < max(stride, dilation):
        raise ValueError(
            f"output_padding ({output_padding}) must be >= 0 and smaller than "
            f"max(stride, dilation) = {max(stride, dilation)}"
        )
    out = (size - 1) * stride - 2 * padding + dilation * (kernel_size - 1) + output_padding + 1
    if out < 1:
        raise ValueError(f"input size {size} gives a non-positive output size {out}")
    return out


class ReceptiveField(int):
    """Receptive-field size in input pixels; an ``int`` that also carries ``jump``.

    ``jump`` is the distance, in input pixels, between neighbouring outputs of the stack (the
    product of the strides, a.k.a. effective stride).
    """

    jump: int

    def __new__(cls, size: int, jump: int) -> ReceptiveField:
        obj = super().__new__(cls, size)
        obj.jump = jump
        return obj

    def __repr__(self) -> str:
        return f"ReceptiveField(size={int(self)}, jump={self.jump})"


def receptive_field(layers: Sequence[tuple[int, int, int]]) -> ReceptiveField:
    """Receptive field of a stack of convolutions, first layer first.

    Recurrence, starting from ``r = 1, j = 1``: for each layer ``(k, s, d)``,
    ``r += d * (k - 1) * j`` then ``j *= s``. One layer alone gives ``d * (k - 1) + 1``.

    Args:
        layers (sequence of (kernel_size, stride, dilation)): the stack, input side first.

    Returns:
        ReceptiveField: compares and computes as the int size (``receptive_field([(3, 1, 2)])
        == 5``); ``.jump`` holds the accumulated stride.
    """
    size, jump = 1, 1
    for layer in layers:
        if len(layer) != 3:
            raise ValueError(f"each layer must be (kernel_size, stride, dilation), got {layer!r}")
        kernel, stride, dilation = layer
        size += dilation * (kernel - 1) * jump
        jump *= stride
    return ReceptiveField(size, jump)


def count_params(module: nn.Module) -> int:
    """Number of elements in all parameters of ``module`` (trainable or not; buffers excluded)."""
    return sum(p.numel() for p in module.parameters())


def deform_conv2d_flop(
    x_shape: Sequence[int],
    w_shape: Sequence[int],
    offset_shape: Sequence[int],
    mask_shape: Sequence[int],
    bias_shape: Sequence[int],
    *args: Any,
    out_shape: Sequence[int],
) -> int:
    """FLOPs of one ``torchvision::deform_conv2d`` forward call (shapes as FlopCounterMode passes).

    With ``S = N * C_in * kh * kw * H_out * W_out`` sampled input values:

    * convolution: ``2 * N * C_out * H_out * W_out * (C_in / groups) * kh * kw`` (2 FLOPs per
      MAC, bias ignored, exactly as ``FlopCounterMode`` counts ``aten.convolution``);
    * bilinear sampling: 4 MACs (4 neighbours times their weights) = ``8 * S`` FLOPs.

    The DCN v2 modulation (one multiply per sample) is element-wise and not counted, nor is
    computing the sampling coordinates and interpolation weights. The same count results when
    the layer runs as ``grid_sample`` + ``bmm`` (:func:`grid_sampler_2d_flop`).
    """
    batch, c_in = x_shape[0], x_shape[1]
    c_out, c_in_per_group, kh, kw = w_shape
    out_pixels = out_shape[2] * out_shape[3]
    conv = 2 * batch * c_out * out_pixels * c_in_per_group * kh * kw
    return conv + 8 * batch * c_in * kh * kw * out_pixels


#: MACs per output value of ``grid_sample``'s modes (bilinear, nearest, bicubic).
_GRID_SAMPLE_MACS = {0: 4, 1: 0, 2: 16}


def grid_sampler_2d_flop(
    x_shape: Sequence[int],
    grid_shape: Sequence[int],
    interpolation_mode: int,
    *args: Any,
    out_shape: Sequence[int],
) -> int:
    """FLOPs of one ``aten.grid_sampler_2d`` forward call: 2 per neighbour weighted into each
    output value (bilinear 4 neighbours, bicubic 16, nearest none)."""
    return 2 * _GRID_SAMPLE_MACS[interpolation_mode] * math.prod(out_shape)


def embedding_bag_flop(
    weight_shape: Sequence[int], indices_shape: Sequence[int], *args: Any, **kwargs: Any
) -> int:
    """FLOPs of one ``aten._embedding_bag`` call: 2 per gathered value (weight it, add it),
    so the CPU deformable conv's gather of 4 bilinear neighbours counts as ``grid_sample``."""
    return 2 * indices_shape[0] * weight_shape[1]


def _real_fft_flop(real_shape: Sequence[int], dim: Sequence[int]) -> int:
    """``2.5 * N * log2(L)`` for real transforms of length ``L`` over ``N`` real values in all:
    half the ``5 L log2 L`` of a complex transform of the same length, per transform."""
    length = math.prod(real_shape[d] for d in dim)
    return int(2.5 * math.prod(real_shape) * math.log2(length)) if length > 1 else 0


def fft_r2c_flop(
    x_shape: Sequence[int], dim: Sequence[int], *args: Any, out_shape: Sequence[int]
) -> int:
    """FLOPs of one ``aten._fft_r2c`` call (``rfft``, ``rfft2``, ``rfftn``)."""
    return _real_fft_flop(x_shape, dim)


def fft_c2r_flop(
    x_shape: Sequence[int], dim: Sequence[int], *args: Any, out_shape: Sequence[int]
) -> int:
    """FLOPs of one ``aten._fft_c2r`` call (``irfft``, ``irfft2``, ``irfftn``), by its real
    output."""
    return _real_fft_flop(out_shape, dim)


#: Formulas for ops ``FlopCounterMode`` does not know; pass as ``custom_mapping``.
FLOP_FORMULAS = {
    torch.ops.torchvision.deform_conv2d: deform_conv2d_flop,
    torch.ops.aten.grid_sampler_2d: grid_sampler_2d_flop,
    torch.ops.aten._embedding_bag: embedding_bag_flop,
    torch.ops.aten._embedding_bag_forward_only: embedding_bag_flop,
    torch.ops.aten._fft_r2c: fft_r2c_flop,
    torch.ops.aten._fft_c2r: fft_c2r_flop,
}


def count_flops(
    module: nn.Module,
    input_shape: Sequence[int],
    mask_shape: Sequence[int] | None = None,
) -> int:
    """Forward FLOPs of ``module`` on one input, counted by ``FlopCounterMode``.

    Calls ``module(x)`` or, when ``mask_shape`` is given, ``module(x, mask)`` with an all-ones
    mask, under ``torch.no_grad()``; ``x`` is zeros on the device and dtype of the module's
    first parameter. Convention: 2 FLOPs per MAC; bias additions and element-wise ops
    (activations, mask products) are not counted. ``torchvision::deform_conv2d`` and
    ``grid_sample`` are counted by :func:`deform_conv2d_flop` and :func:`grid_sampler_2d_flop`
    (4 MACs of bilinear sampling per sampled value), so a deformable conv counts the same on
    either of its paths; its offset-predicting conv counts as a normal conv.
    Real FFTs (fourier conv) count ``2.5 * L * log2(L)`` per transform of length ``L``
    (:func:`fft_r2c_flop`, :func:`fft_c2r_flop`), which ``FlopCounterMode`` does not count.

    Args:
        module (nn.Module): any module taking ``x`` (and optionally ``mask``).
        input_shape (sequence of int): shape of ``x``, e.g. ``(1, 3, 256, 256)``.
        mask_shape (sequence of int, optional): shape of ``mask``, e.g. ``(1, 1, 256, 256)``.

    Returns:
        int: total FLOPs of one forward pass.
    """
    param = next(module.parameters(), None)
    factory = {"device": param.device, "dtype": param.dtype} if param is not None else {}
    args = [torch.zeros(*input_shape, **factory)]
    if mask_shape is not None:
        args.append(torch.ones(*mask_shape, **factory))
    counter = FlopCounterMode(display=False, custom_mapping=FLOP_FORMULAS)
    with torch.no_grad(), counter:
        module(*args)
    return counter.get_total_flops()
