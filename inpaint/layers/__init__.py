"""Convolution variants and upsampling layers with one interface.

Every layer has ``forward(x, mask=None) -> (y, mask_out)`` with ``x`` of shape [N, C, H, W]
and a float ``mask`` of shape [N, 1, H, W] (1 = known pixel, 0 = hole); ``mask_out`` has the
spatial size of ``y``.
"""

from .arithmetic import (
    ReceptiveField,
    conv_output_size,
    conv_transpose_output_size,
    count_flops,
    count_params,
    receptive_field,
)
from .mask import resize_mask

__all__ = [
    "ReceptiveField",
    "conv_output_size",
    "conv_transpose_output_size",
    "count_flops",
    "count_params",
    "receptive_field",
    "resize_mask",
]
