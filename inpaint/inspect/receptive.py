"""Theoretical receptive field along a chain of convolutions, upsampling included.

Without upsampling the receptive field is that of `inpaint.layers.receptive_field`
(kernel, stride and dilation composed): every output pixel sees the same number of input
pixels. After an upsampling that is no longer true: neighbouring output pixels of a
transposed conv, of a pixel shuffle or of a nearest-neighbour resize read overlapping but
differently placed windows, so the size depends on the pixel's phase. Past the last conv
that `receptive_field` can describe, this module follows one output pixel back through the
remaining convs exactly (the index window each conv reads, and ``floor(o * n_in / n_out)``
where the grid changes size without a conv, as nearest interpolation and pixel shuffle do),
then uses that ``receptive_field`` (its size and jump) for the rest, and reports the largest
size over output pixels. Image borders are ignored (an unbounded grid). A spectral step (the
Fourier unit of a fourier conv) makes every output depend on its whole input grid, so a path
through one sees the whole image.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from inpaint.layers import receptive_field


@dataclass(frozen=True)
class ConvStep:
    """One convolution as it ran: its geometry and the sizes of the grids it read and wrote.

    Attributes:
        kernel_size, stride, padding, dilation: ``(h, w)`` pairs.
        transposed: a transposed convolution (upsamples by ``stride``).
        input_size, output_size: ``(h, w)`` of the grid it read and of the grid it wrote.
        spectral: a transform over the whole grid (``rfft2`` -> 1x1 conv -> ``irfft2``).
    """

    kernel_size: tuple[int, int]
    stride: tuple[int, int]
    padding: tuple[int, int]
    dilation: tuple[int, int]
    transposed: bool
    input_size: tuple[int, int]
    output_size: tuple[int, int]
    spectral: bool = False

    def source_window(self, first: int, last: int, dim: int) -> tuple[int, int]:
        """First and last input index read by outputs ``first..last`` along ``dim`` (0 = h)."""
        k, s, p, d = (v[dim] for v in (self.kernel_size, self.stride, self.padding, self.dilation))
        if self.transposed:  # output o = i * s - p + t * d for taps t in [0, k)
            return -(-(first + p - d * (k - 1)) // s), (last + p) // s
        return first * s - p, last * s - p + d * (k - 1)

    def label(self) -> str:
        """Short text such as ``3x3/2``, ``3x3 d4``, ``T4x4/2`` (transposed) or ``FFT``."""
        if self.spectral:
            return "FFT"
        (kh, kw), (sh, sw), (dh, dw) = self.kernel_size, self.stride, self.dilation
        text = ("T" if self.transposed else "") + f"{kh}x{kw}"
        text += "" if (sh, sw) == (1, 1) else (f"/{sh}" if sh == sw else f"/{sh}x{sw}")
        text += "" if (dh, dw) == (1, 1) else (f" d{dh}" if dh == dw else f" d{dh}x{dw}")
        return text


def _resample(first: int, last: int, size_from: int, size_to: int) -> tuple[int, int]:
    """Nearest-neighbour index map from a grid of ``size_from`` pixels back to ``size_to``."""
    return first * size_to // size_from, last * size_to // size_from


def chain_receptive_field(
    steps: Sequence[ConvStep], output_size: int, input_size: int, dim: int
) -> int:
    """Largest receptive field, in input pixels along ``dim``, of a pixel of a grid of
    ``output_size`` pixels computed by ``steps`` (run in this order) from an input of
    ``input_size`` pixels.

    Args:
        steps: the convolutions on the path, input side first.
        output_size: size along ``dim`` of the grid whose pixels are asked about (it can be
            larger than the last step's output, e.g. after a pixel shuffle).
        input_size: size along ``dim`` of the model input.
        dim: 0 for height, 1 for width.
    """
    if any(step.spectral for step in steps):
        return input_size
    exact = 0  # steps[:exact] form a plain conv stack, which receptive_field describes
    grid = input_size
    for step in steps:
        if step.transposed or step.input_size[dim] != grid:
            break
        grid = step.output_size[dim]
        exact += 1
    stack = receptive_field(
        [(s.kernel_size[dim], s.stride[dim], s.dilation[dim]) for s in steps[:exact]]
    )
    largest = 0
    # the windows repeat with the upsampling factor, so these output pixels cover every phase
    for position in range(2 * max(1, output_size // grid)):
        first = last = position
        size = output_size
        for step in reversed(steps[exact:]):
            if step.output_size[dim] != size:
                first, last = _resample(first, last, size, step.output_size[dim])
            first, last = step.source_window(first, last, dim)
            size = step.input_size[dim]
        if size != grid:
            first, last = _resample(first, last, size, grid)
        largest = max(largest, int(stack) + (last - first) * stack.jump)
    return largest
