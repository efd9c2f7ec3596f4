"""Partial convolution with mask update.

Liu et al., "Image Inpainting for Irregular Holes Using Partial Convolutions" (ECCV 2018),
following NVIDIA's reference ``PartialConv2d`` (github.com/NVIDIA/partialconv). For a window
with mask sum ``sum(M) > 0``::

    y = W^T (X * M) * sum(1) / sum(M) + b,        mask_out = 1

and ``y = 0``, ``mask_out = 0`` where the window sees only holes. ``sum(1)`` is the window
size ``kh * kw`` (times ``C_in`` for per-channel masks). Unlike the reference, nothing is
cached between calls: the window sums are recomputed from the given mask every time, once
per call with a single-output-channel ones kernel.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .checks import ConvArguments, check_inputs


class PartialConv2d(nn.Conv2d):
    """Mask-renormalised convolution that also returns the updated mask.

    Args:
        in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias: as
            ``nn.Conv2d``.
        multi_channel (bool): take a per-channel mask ``[N, in_channels, H, W]``; window sums
            then run over all ``in_channels`` (as NVIDIA does, also when ``groups > 1``) and
            the returned mask has ``out_channels`` identical channels (as NVIDIA's, returned
            as a broadcast ``expand`` view). Default: ``False`` (mask ``[N, 1, H, W]``, returned
            mask ``[N, 1, H_out, W_out]``).

    ``mask=None`` means an all-ones mask: windows overlapping the zero padding are
    renormalised ("partial-convolution based padding", Liu et al. 2018b) and a mask tensor is
    returned.
    """

    def __init__(self, *conv_args: Any, multi_channel: bool = False, **conv_kwargs: Any) -> None:
        arguments = ConvArguments.bind(type(self).__name__, *conv_args, **conv_kwargs).checked()
        super().__init__(*arguments)
        self.multi_channel = multi_channel
        self.register_buffer(
            "window_kernel", torch.ones(1, 1, *arguments.kernel_size), persistent=False
        )

    def forward(self, x: Tensor, mask: Tensor | None = None) -> tuple[Tensor, Tensor]:
        """
        Args:
            x (Tensor[N, in_channels, H, W]): input.
            mask (Tensor[N, 1, H, W] or Tensor[N, in_channels, H, W] with ``multi_channel``,
                optional): 1 = known, 0 = hole; ``None`` = all ones.

        Returns:
            tuple[Tensor[N, out_channels, H_out, W_out], Tensor[N, M, H_out, W_out]]: output and
            updated mask (1 where the window saw a known pixel), ``M = out_channels`` with
            ``multi_channel`` else 1.
        """
        check_inputs(x, mask, self.in_channels, (self.in_channels if self.multi_channel else 1,))
        conv_args = (self.stride, self.padding, self.dilation)
        if mask is None:
            raw = F.conv2d(x, self.weight, None, *conv_args, self.groups)
            known = x.new_ones(1, 1, *x.shape[-2:])
        else:
            known = mask.to(x.dtype)
            raw = F.conv2d(x * known, self.weight, None, *conv_args, self.groups)
        kernel = self.window_kernel.to(x.dtype).expand(1, known.shape[1], -1, -1)
        window_sum = F.conv2d(known, kernel, None, *conv_args)
        mask_out = (window_sum > 0).to(x.dtype)
        scale = (kernel.numel() / window_sum.clamp(min=1e-8)) * mask_out
        # In place: the conv's backward does not need its output; saves two full-size tensors.
        y = raw.mul_(scale)
        if self.bias is not None:
            y = y.addcmul_(self.bias.view(1, -1, 1, 1), mask_out)
        channels = self.out_channels if self.multi_channel else 1
        return y, mask_out.expand(x.shape[0], channels, -1, -1)

    def extra_repr(self) -> str:
        return super().extra_repr() + (", multi_channel=True" if self.multi_channel else "")
