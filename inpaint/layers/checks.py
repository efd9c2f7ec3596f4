"""What a layer accepts: constructor arguments and forward inputs, each refused with a
``ValueError`` that says what is wrong.

Masks follow one convention throughout the package: float tensors of shape [N, 1, H, W]
(or [N, C, H, W] for per-channel masks), 1 = known pixel, 0 = hole.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Sequence
from typing import Any

from torch import Tensor

IntPair = int | tuple[int, int]


def _pair_of(value: Any, name: str, minimum: int) -> tuple[int, int]:
    """Return ``value`` as an ``(h, w)`` pair of ints ``>= minimum`` or raise ``ValueError``."""
    if isinstance(value, int):
        pair = (value, value)
    elif isinstance(value, Sequence) and not isinstance(value, str):
        pair = tuple(value)
    else:
        pair = ()
    if len(pair) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) for v in pair):
        raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
    if min(pair) < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return pair


def check_positive_int(value: Any, name: str) -> int:
    """Return ``value`` if it is an int ``>= 1``, else raise ``ValueError`` naming it."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return value


_CONV_FIELDS = "in_channels out_channels kernel_size stride padding dilation groups bias"


class ConvArguments(namedtuple("ConvArguments", _CONV_FIELDS, defaults=(1, 0, None, 1, True))):
    """``nn.Conv2d``'s constructor arguments, bound as that constructor binds them.

    ``bind`` takes what a conv variant was called with; `checked` validates it. Defaults are
    ``nn.Conv2d``'s, except ``dilation=None``, the variant's default (1, but 2 for dilated).
    """

    __slots__ = ()

    @classmethod
    def bind(cls, layer: str, *args: Any, **kwargs: Any) -> ConvArguments:
        """The arguments of a call ``layer(*args, **kwargs)``; ``TypeError`` naming ``layer``
        for a missing, repeated or unknown argument."""
        try:
            return cls(*args, **kwargs)
        except TypeError as error:
            raise TypeError(
                f"{layer} takes nn.Conv2d's arguments ({', '.join(cls._fields)}), then its "
                f"own options by keyword: {str(error).split('() ', 1)[-1]}"
            ) from None

    def checked(self, default_dilation: IntPair = 1) -> ConvArguments:
        """These arguments with kernel, stride, padding and dilation as ``(h, w)`` pairs and the
        dilation default filled in; ``ValueError`` saying what is wrong."""
        in_channels, out_channels, groups = self.in_channels, self.out_channels, self.groups
        check_positive_int(in_channels, "in_channels")
        check_positive_int(out_channels, "out_channels")
        check_positive_int(groups, "groups")
        if in_channels % groups:
            raise ValueError(f"in_channels ({in_channels}) must be divisible by groups ({groups})")
        if out_channels % groups:
            raise ValueError(
                f"out_channels ({out_channels}) must be divisible by groups ({groups})"
            )
        return self._replace(
            kernel_size=_pair_of(self.kernel_size, "kernel_size", 1),
            stride=_pair_of(self.stride, "stride", 1),
            padding=_pair_of(self.padding, "padding", 0),
            dilation=_pair_of(
                default_dilation if self.dilation is None else self.dilation, "dilation", 1
            ),
        )


def check_conv_args(
    *conv_args: Any, **conv_kwargs: Any
) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int], tuple[int, int]]:
    """Validate ``nn.Conv2d``-style arguments (`ConvArguments`); ``ValueError`` saying what is
    wrong.

    Returns:
        (kernel_size, stride, padding, dilation), each as an ``(h, w)`` pair.
    """
    return tuple(ConvArguments.bind("conv", *conv_args, **conv_kwargs).checked()[2:6])


def check_inputs(
    x: Tensor, mask: Tensor | None, in_channels: int, mask_channels: Sequence[int] = (1,)
) -> None:
    """Raise ``ValueError`` unless ``x`` and ``mask`` fit a layer with ``in_channels`` inputs.

    Args:
        x (Tensor[N, in_channels, H, W]): layer input.
        mask (Tensor[N, M, H, W] or None): mask, where ``M`` must be one of ``mask_channels``;
            it must be a floating-point tensor.
        in_channels (int): channel count the layer was built for.
        mask_channels (sequence of int): accepted mask channel counts.
    """
    if x.dim() != 4 or x.shape[1] != in_channels:
        raise ValueError(f"expected x of shape [N, {in_channels}, H, W], got {tuple(x.shape)}")
    if mask is None:
        return
    allowed = " or ".join(str(c) for c in mask_channels)
    if (
        mask.dim() != 4
        or mask.shape[0] != x.shape[0]
        or mask.shape[-2:] != x.shape[-2:]
        or mask.shape[1] not in mask_channels
    ):
        raise ValueError(
            f"mask of shape {tuple(mask.shape)} does not fit x of shape {tuple(x.shape)}: "
            f"expected [{x.shape[0]}, {allowed}, {x.shape[2]}, {x.shape[3]}]"
        )
    if not mask.is_floating_point():
        raise ValueError(f"mask must be a floating-point tensor (1 = known), got {mask.dtype}")
