"""Convolution variants and upsampling layers with one interface.

Every layer has ``forward(x, mask=None) -> (y, mask_out)`` with ``x`` of shape [N, C, H, W]
and a float ``mask`` of shape [N, 1, H, W] (1 = known pixel, 0 = hole); ``mask_out`` has the
spatial size of ``y``. Build layers by name::

    from inpaint.layers import create_conv, create_upsample
    conv = create_conv("gated", 64, 128, kernel_size=3, stride=2, padding=1)
    up = create_upsample("pixelshuffle", 128, 64, scale=2)

A variant that ignores the mask subclasses `MaskAgnosticConv` (or `MaskAgnosticUpsample`) and
implements ``compute(x) -> y``; the base class checks the arguments and inputs and passes the
mask on.
"""

from .arithmetic import (
    ReceptiveField,
    conv_output_size,
    conv_transpose_output_size,
    count_flops,
    count_params,
    receptive_field,
)
from .base import MaskAgnosticConv, MaskAgnosticUpsample
from .bottleneck import BottleneckConv2d
from .deformable import DeformableConv2d
from .dilated import DilatedConv2d
from .fourier import FourierConv2d, FourierUnit, SpectralTransform
from .gated import GatedConv2d
from .mask import resize_mask
from .partial import PartialConv2d
from .pixelshuffle import PixelShuffleUpsample
from .registry import available_convs, available_upsamples, create_conv, create_upsample
from .resize import ResizeUpsample
from .separable import SeparableConv2d
from .spatially_separable import SpatiallySeparableConv2d
from .standard import StandardConv2d
from .transposed import TransposedUpsample

__all__ = [
    "BottleneckConv2d",
    "DeformableConv2d",
    "DilatedConv2d",
    "FourierConv2d",
    "FourierUnit",
    "GatedConv2d",
    "MaskAgnosticConv",
    "MaskAgnosticUpsample",
    "PartialConv2d",
    "PixelShuffleUpsample",
    "ReceptiveField",
    "ResizeUpsample",
    "SeparableConv2d",
    "SpectralTransform",
    "SpatiallySeparableConv2d",
    "StandardConv2d",
    "TransposedUpsample",
    "available_convs",
    "available_upsamples",
    "conv_output_size",
    "conv_transpose_output_size",
    "count_flops",
    "count_params",
    "create_conv",
    "create_upsample",
    "receptive_field",
    "resize_mask",
]
