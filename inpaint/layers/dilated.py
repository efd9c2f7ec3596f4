"""Dilated (atrous) convolution.

Yu & Koltun, "Multi-Scale Context Aggregation by Dilated Convolutions" (ICLR 2016). A kernel
of size ``k`` with dilation ``d`` spans ``d * (k - 1) + 1`` input pixels at the cost of a
``k x k`` kernel; keep the spatial size at stride 1 with ``padding = d * (k - 1) // 2``.
"""

from __future__ import annotations

from .arithmetic import IntPair
from .standard import StandardConv2d


class DilatedConv2d(StandardConv2d):
    """:class:`StandardConv2d` whose ``dilation`` defaults to 2.

    Same arguments as :class:`StandardConv2d`; note that ``padding`` is not derived from the
    dilation: pass ``padding=dilation * (kernel_size - 1) // 2`` to keep the size.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: IntPair,
        stride: IntPair = 1,
        padding: IntPair = 0,
        dilation: IntPair = 2,
        groups: int = 1,
        bias: bool = True,
    ) -> None:
        super().__init__(
            in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias
        )
