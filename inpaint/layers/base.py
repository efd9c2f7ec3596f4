"""Base classes of the layers whose computation ignores the mask.

A variant subclasses one of them and implements ``compute(x) -> y``; ``forward(x, mask)``
checks both inputs and returns ``(y, mask)`` with the mask resized (nearest) to ``y``'s grid.
`MaskAgnosticConv` takes the arguments of ``nn.Conv2d``, checks and keeps them and prints them
as ``nn.Conv2d`` does; `MaskAgnosticUpsample` does the same for ``(in_channels, out_channels,
scale)``. A variant adds its own options to the constructor and to ``extra_repr``.
"""

from __future__ import annotations

from typing import Any

from torch import Tensor, nn

from .checks import ConvArguments, check_inputs, check_positive_int
from .mask import resize_mask


class MaskAgnosticLayer(nn.Module):
    """A layer whose output does not depend on the mask, which it passes on resized.

    Subclasses set ``in_channels`` and implement ``compute``. Placed before ``nn.Conv2d`` in a
    class's bases (`StandardConv2d`), it adds ``forward`` and nothing else.
    """

    in_channels: int

    def compute(self, x: Tensor) -> Tensor:
        """The layer's output, Tensor[N, out_channels, H_out, W_out], for ``x`` [N, in_channels,
        H, W]."""
        raise NotImplementedError

    def forward(self, x: Tensor, mask: Tensor | None = None) -> tuple[Tensor, Tensor | None]:
        """
        Args:
            x (Tensor[N, in_channels, H, W]): input.
            mask (Tensor[N, 1 or in_channels, H, W], optional): 1 = known, 0 = hole; the
                computation does not use it.

        Returns:
            tuple[Tensor[N, out_channels, H_out, W_out], Tensor[N, 1 or in_channels, H_out,
            W_out] or None]: ``compute(x)`` and ``mask`` resized (nearest) to its size.
        """
        check_inputs(x, mask, self.in_channels, (1, self.in_channels))
        y = self.compute(x)
        return y, resize_mask(mask, y.shape[-2:])


def _reset_children(module: nn.Module) -> None:
    """``reset_parameters`` of every direct submodule that has one, in registration order."""
    for child in module.children():
        if hasattr(child, "reset_parameters"):
            child.reset_parameters()


class MaskAgnosticConv(MaskAgnosticLayer):
    """A convolution variant with the arguments of ``nn.Conv2d``, checked and kept.

    A variant's constructor is ``__init__(self, *conv_args, <its options by keyword>,
    **conv_kwargs)``: it passes ``conv_args`` and ``conv_kwargs`` on and builds its convs from
    the checked attributes (`make_conv`).

    Args:
        in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias: as
            ``nn.Conv2d``; the variant decides which of its convs they apply to.

    Attributes:
        in_channels, out_channels, groups (int); kernel_size, stride, padding, dilation
            (tuple[int, int]); has_bias (bool): the checked arguments.
    """

    def __init__(self, *conv_args: Any, **conv_kwargs: Any) -> None:
        super().__init__()
        arguments = ConvArguments.bind(type(self).__name__, *conv_args, **conv_kwargs).checked()
        self.in_channels, self.out_channels = arguments.in_channels, arguments.out_channels
        self.kernel_size, self.stride = arguments.kernel_size, arguments.stride
        self.padding, self.dilation = arguments.padding, arguments.dilation
        self.groups, self.has_bias = arguments.groups, arguments.bias

    def make_conv(self, in_channels: int, out_channels: int, **changes: Any) -> nn.Conv2d:
        """An ``nn.Conv2d`` ``in_channels -> out_channels`` with this layer's kernel, stride,
        padding, dilation, groups and bias, ``changes`` (e.g. ``groups=1, bias=False``) applied."""
        arguments = {
            "kernel_size": self.kernel_size,
            "stride": self.stride,
            "padding": self.padding,
            "dilation": self.dilation,
            "groups": self.groups,
            "bias": self.has_bias,
        }
        return nn.Conv2d(in_channels, out_channels, **(arguments | changes))

    def reset_parameters(self) -> None:
        """Re-initialise every direct submodule that has ``reset_parameters``."""
        _reset_children(self)

    def extra_repr(self) -> str:
        """``nn.Conv2d``'s text: channels, kernel and stride, then the non-default arguments."""
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}"
        s += f", stride={self.stride}"
        s += f", padding={self.padding}" if self.padding != (0, 0) else ""
        s += f", dilation={self.dilation}" if self.dilation != (1, 1) else ""
        s += f", groups={self.groups}" if self.groups != 1 else ""
        return s + (", bias=False" if not self.has_bias else "")


class MaskAgnosticUpsample(MaskAgnosticLayer):
    """An upsampling layer by an integer ``scale``: ``H_out, W_out = scale * H, scale * W``.

    Args:
        in_channels (int): channels of ``x``.
        out_channels (int): channels of the output.
        scale (int): upsampling factor. Default: 2
    """

    def __init__(self, in_channels: int, out_channels: int, scale: int = 2) -> None:
        super().__init__()
        self.in_channels = check_positive_int(in_channels, "in_channels")
        self.out_channels = check_positive_int(out_channels, "out_channels")
        self.scale = check_positive_int(scale, "scale")

    def reset_parameters(self) -> None:
        """Re-initialise every direct submodule that has ``reset_parameters``."""
        _reset_children(self)

    def extra_repr(self) -> str:
        return f"scale={self.scale}"
