"""The one name -> activation factory of the package (generator units and gated convs).

LeakyReLU uses slope 0.2, as in most inpainting networks (DeepFill, SN-PatchGAN); ``elu`` is
`inpaint.layers.elu.ELU`, ``nn.ELU``'s function computed faster on CPU.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from torch import nn

from .elu import ELU

ACTIVATIONS: dict[str, Callable[[], nn.Module]] = {
    "identity": nn.Identity,
    "relu": nn.ReLU,
    "elu": ELU,
    "leaky_relu": functools.partial(nn.LeakyReLU, negative_slope=0.2),
    "gelu": nn.GELU,
    "silu": nn.SiLU,
}


def build_activation(activation: str | nn.Module | Callable[[], nn.Module]) -> nn.Module:
    """An activation module from a name in `ACTIVATIONS`, a module (returned as is), or a
    factory: anything that returns a module when called without arguments, such as an
    ``nn.Module`` class (``nn.GELU``) or a ``functools.partial``."""
    if isinstance(activation, nn.Module):
        return activation
    if isinstance(activation, str):
        if activation not in ACTIVATIONS:
            raise ValueError(
                f"unknown activation {activation!r}; known: {', '.join(sorted(ACTIVATIONS))}"
            )
        return ACTIVATIONS[activation]()
    module = activation() if callable(activation) else None
    if not isinstance(module, nn.Module):
        raise ValueError(
            "activation must be a name, an nn.Module, or a callable returning one, "
            f"got {activation!r}"
        )
    return module
