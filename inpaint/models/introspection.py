"""What each conv variant does inside, as images for TensorBoard.

Found by module name, never by variant name: a submodule called ``gate_activation`` (gated conv)
gives its gate map, one called ``offset_conv`` (deformable conv) gives the length of its
predicted sampling offsets, and the masks returned by the encoder stages are shown when they
differ from the input mask merely resized (partial conv shrinks the holes level by level).
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from inpaint.layers import resize_mask
from inpaint.models.generator import UNetGenerator


def _normalise(maps: Tensor) -> Tensor:
    """Scale each [1, h, w] map of a [N, 1, h, w] batch to [0, 1] for display."""
    flat = maps.flatten(1)
    low, high = flat.min(1).values, flat.max(1).values
    scale = (high - low).clamp_min(1e-8)
    return (maps - low.view(-1, 1, 1, 1)) / scale.view(-1, 1, 1, 1)


def offset_magnitude(offset_conv_output: Tensor, taps: int) -> Tensor:
    """Mean length of the sampling offsets, [N, 1, h, w].

    offset_conv_output: [N, 2 * taps (+ taps modulation channels for DCN v2), h, w] with
    taps = offset_groups * kh * kw; the (dy, dx) pairs come first (torchvision's layout).
    """
    n, _, h, w = offset_conv_output.shape
    offsets = offset_conv_output[:, : 2 * taps]
    return offsets.reshape(n, taps, 2, h, w).norm(dim=2).mean(1, keepdim=True)


def capture_internals(generator: UNetGenerator, image: Tensor, mask: Tensor) -> dict[str, Tensor]:
    """Run `generator` once and return display maps {name: [N, 1, h, w] in [0, 1]}."""
    captured: dict[str, Tensor] = {}
    hooks = []

    def keep(name: str, transform):
        def hook(_module: nn.Module, _inputs, output) -> None:
            captured[name] = transform(output).detach()

        return hook

    for name, module in generator.named_modules():
        leaf = name.rpartition(".")[2]
        if leaf == "gate_activation":
            hooks.append(
                module.register_forward_hook(
                    keep(f"gate/{name}", lambda g: g.mean(1, keepdim=True))
                )
            )
        elif leaf == "offset_conv":
            parent = generator.get_submodule(name.rpartition(".")[0])
            taps = parent.offset_groups * module.kernel_size[0] * module.kernel_size[1]
            hooks.append(
                module.register_forward_hook(
                    keep(f"offset/{name}", lambda out, taps=taps: offset_magnitude(out, taps))
                )
            )
    for name, module in generator.encoder_stages():
        hooks.append(module.register_forward_hook(keep(f"mask/{name}", lambda out: out[1])))
    try:
        generator(image, mask)
    finally:
        for hook in hooks:
            hook.remove()

    masks = {k: v for k, v in captured.items() if k.startswith("mask/")}
    if all(torch.equal(m, resize_mask(mask, m.shape[-2:])) for m in masks.values()):
        for name in masks:
            del captured[name]
    return {
        name: _normalise(maps) if not name.startswith("mask/") else maps
        for name, maps in captured.items()
    }
