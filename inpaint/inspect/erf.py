"""Effective receptive field: how strongly each input pixel moves one unit of a network.

Luo et al., "Understanding the Effective Receptive Field in Deep Convolutional Neural
Networks" (NeurIPS 2016): the gradient of a central unit with respect to the input, in
absolute value, averaged over many inputs. It is nonzero only inside the theoretical
receptive field, but concentrates in a much smaller, roughly Gaussian region around the
centre. Here its size is the radius of the centred square that holds a given fraction of the
gradient mass (``mass_radius``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import Tensor

from inpaint.models.generator import UNetGenerator

#: ``(images [N, C, H, W], masks [N, 1, H, W]) -> [N]``: one scalar unit per sample.
UnitFn = Callable[[Tensor, Tensor], Tensor]


def input_gradient(unit: UnitFn, images: Tensor, masks: Tensor, chunk: int = 4) -> Tensor:
    """Mean over samples of ``|d unit / d image|`` summed over the image channels.

    Samples must not interact inside ``unit`` (no batch statistics), so one backward pass
    of the summed units gives every sample's own gradient.

    Args:
        unit: the unit to explain, one value per sample.
        images (Tensor[N, C, H, W]): inputs; masks (Tensor[N, 1, H, W]): their masks.
        chunk: samples per forward/backward pass (bounds the memory).

    Returns:
        Tensor[H, W]: the mean absolute gradient map.
    """
    total = torch.zeros(images.shape[-2:], dtype=images.dtype, device=images.device)
    for start in range(0, len(images), chunk):
        x = images[start : start + chunk].detach().requires_grad_(True)
        (grad,) = torch.autograd.grad(unit(x, masks[start : start + chunk]).sum(), x)
        total += grad.abs().sum(1).sum(0)
    return total / len(images)


def centre_of(shape: Sequence[int]) -> tuple[int, int]:
    """Centre pixel ``(H // 2, W // 2)`` of a ``[..., H, W]`` shape."""
    return shape[-2] // 2, shape[-1] // 2


def output_centre_unit(generator: UNetGenerator) -> UnitFn:
    """The generator's output at the centre pixel, summed over the RGB channels."""

    def unit(images: Tensor, masks: Tensor) -> Tensor:
        out = generator(images, masks)
        cy, cx = centre_of(out.shape)
        return out[:, :, cy, cx].sum(1)

    return unit


def coarsest_centre_unit(generator: UNetGenerator) -> UnitFn:
    """The coarsest features (`UNetGenerator.coarsest_layer`) at their centre position, summed
    over channels."""
    layer = generator.coarsest_layer()

    def unit(images: Tensor, masks: Tensor) -> Tensor:
        kept: list[Tensor] = []
        handle = layer.register_forward_hook(lambda _m, _a, output: kept.append(output[0]))
        try:
            generator(images, masks)
        finally:
            handle.remove()
        features = kept[0]
        cy, cx = centre_of(features.shape)
        return features[:, :, cy, cx].sum(1)

    return unit


def mass_radius(grad_map: Tensor, centre: tuple[int, int], fraction: float) -> int:
    """Smallest ``r`` such that the ``(2r + 1)``-pixel square around ``centre`` holds at least
    ``fraction`` of the total of ``grad_map`` (Tensor[H, W], nonnegative)."""
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1], got {fraction}")
    h, w = grad_map.shape
    rows = (torch.arange(h) - centre[0]).abs().view(-1, 1)
    cols = (torch.arange(w) - centre[1]).abs().view(1, -1)
    distance = torch.maximum(rows, cols).flatten()
    mass = torch.bincount(distance, weights=grad_map.flatten().double())
    share = mass.cumsum(0) / mass.sum()
    return int(torch.searchsorted(share, torch.tensor(fraction, dtype=share.dtype) - 1e-12))


def support_size(grad_map: Tensor) -> tuple[int, int]:
    """``(height, width)`` of the bounding box of the nonzero entries of ``grad_map``."""
    rows = grad_map.ne(0).any(1).nonzero().flatten()
    cols = grad_map.ne(0).any(0).nonzero().flatten()
    if len(rows) == 0:
        return 0, 0
    return int(rows[-1] - rows[0] + 1), int(cols[-1] - cols[0] + 1)


def centre_hole(masks: Tensor, side: int) -> Tensor:
    """``masks`` [N, 1, H, W] with a centred ``side x side`` square set to 0 (hole)."""
    holed = masks.clone()
    cy, cx = centre_of(masks.shape)
    top, left = cy - side // 2, cx - side // 2
    holed[..., top : top + side, left : left + side] = 0
    return holed


def sampling_points(
    offsets: Tensor,
    kernel_size: tuple[int, int],
    stride: tuple[int, int],
    padding: tuple[int, int],
    dilation: tuple[int, int],
    position: tuple[int, int],
) -> tuple[Tensor, Tensor]:
    """Where a deformable conv samples its input for one output position.

    Args:
        offsets (Tensor[2 * kh * kw (+ kh * kw), h, w]): one sample's ``offset_conv`` output
            (torchvision's layout: per tap ``(dy, dx)``; offset group 0; modulation channels,
            if any, are ignored).
        kernel_size, stride, padding, dilation: the deformable conv's ``(h, w)`` pairs.
        position: ``(y, x)`` of the output pixel.

    Returns:
        tuple[Tensor[kh * kw, 2], Tensor[kh * kw, 2]]: ``(y, x)`` of the regular grid taps and
        of the taps moved by the offsets, in pixels of the conv's input grid.
    """
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = kernel_size, stride, padding, dilation
    ty, tx = torch.meshgrid(torch.arange(kh), torch.arange(kw), indexing="ij")
    grid = torch.stack(
        [position[0] * sh - ph + ty.flatten() * dh, position[1] * sw - pw + tx.flatten() * dw],
        dim=1,
    ).to(offsets.dtype)
    moved = offsets[: 2 * kh * kw, position[0], position[1]].view(kh * kw, 2)
    return grid, grid + moved
