"""Per-layer summary of a model built from mask-interface layers: shapes, params, FLOPs, RF.

A *layer* is each module held directly by the model or inside its ``nn.ModuleList`` /
``nn.ModuleDict`` containers (for `UNetGenerator`: ``stem``, ``encoder.i.j``, ``context.i``,
``upsamplers.i``, ``fusions.i``, ``head``); rows follow the order in which one forward pass
calls them. Parameters and FLOPs come from `inpaint.layers.count_params` and
`inpaint.layers.count_flops` (the latter run on each layer with the input shapes captured by
forward hooks), so the rows add up to the counts of the whole model; whatever runs between
layers is reported as its own ``(outside layers)`` row.

Receptive field. The convolutions of a layer are the modules with ``kernel_size``,
``stride``, ``dilation`` and a 4-D ``weight`` that do not sit inside another such module (so
a deformable conv counts once; its ``offset_conv`` reads the same window), taken in the order
they run. The column is the theoretical receptive field of the layer's output along the
deepest path, i.e. through every conv run so far (`inpaint.inspect.receptive`): for the U-Net
that is the path through the bottleneck, and a skip connection passes through a subset of
those convs, so its receptive field is smaller. Encoder rows are exactly
`inpaint.layers.receptive_field` of the stack; decoder rows give the largest receptive field
over the layer's output pixels, which depends on their phase relative to the upsampling.
Deformable convs are counted on their regular grid; learned offsets can reach further. The
Fourier unit of a fourier conv counts as one spectral step (``FFT``): every output after it
sees the whole input.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction

import torch
from torch import Tensor, nn

from inpaint.inspect.receptive import ConvStep, chain_receptive_field
from inpaint.layers import FourierUnit, count_flops, count_params
from inpaint.layers.registry import CONVS, UPSAMPLES

#: registered layer class -> its registry name, for the ``variant`` column.
VARIANT_NAMES = {cls: name for name, cls in {**CONVS, **UPSAMPLES}.items() if isinstance(cls, type)}


@dataclass(frozen=True)
class LayerRow:
    """One layer of a `Summary`.

    Attributes:
        name: qualified module name, e.g. ``encoder.1.0``.
        variant: registry name of the first registered layer class inside it (e.g.
            ``gated``), else its class name.
        convs: the layer's convolutions in the order they run.
        output_shape: shape of the layer's first output, ``[N, C, H, W]``.
        params: `count_params` of the layer.
        flops: `count_flops` of the layer on its captured input (and mask) shapes.
        receptive_field: ``(h, w)`` theoretical receptive field of its output in input pixels.
        jump: ``(h, w)`` input pixels between neighbouring output pixels (a fraction if the
            output is finer than the input).
    """

    name: str
    variant: str
    convs: tuple[ConvStep, ...]
    output_shape: tuple[int, ...]
    params: int
    flops: int
    receptive_field: tuple[int, int]
    jump: tuple[Fraction, Fraction]


@dataclass(frozen=True)
class Summary:
    """Rows of every layer in forward order plus what runs outside them, and the totals.

    ``sum(row.params) + outside_params == total_params == count_params(model)`` and likewise
    for FLOPs with ``count_flops(model, input_shape, mask_shape)``.
    """

    model: str
    input_shape: tuple[int, ...]
    mask_shape: tuple[int, ...] | None
    rows: tuple[LayerRow, ...]
    outside_params: int
    outside_flops: int
    total_params: int
    total_flops: int

    def to_dict(self) -> dict:
        """JSON-ready dict; receptive fields and jumps are ``[h, w]`` numbers."""
        return {
            "model": self.model,
            "input_shape": list(self.input_shape),
            "mask_shape": list(self.mask_shape) if self.mask_shape is not None else None,
            "layers": [
                {
                    "name": row.name,
                    "variant": row.variant,
                    "convs": [step.label() for step in row.convs],
                    "output_shape": list(row.output_shape),
                    "params": row.params,
                    "flops": row.flops,
                    "receptive_field": list(row.receptive_field),
                    "jump": [_number(v) for v in row.jump],
                }
                for row in self.rows
            ],
            "outside_layers": {"params": self.outside_params, "flops": self.outside_flops},
            "total": {"params": self.total_params, "flops": self.total_flops},
        }

    def to_markdown(self) -> str:
        """A GitHub-flavoured markdown table with a totals row and notes on the columns."""
        mask = f", mask {list(self.mask_shape)}" if self.mask_shape is not None else ""
        lines = [
            f"{self.model}: input {list(self.input_shape)}{mask}",
            "",
            "| layer | variant | convs | output shape | params | FLOPs | RF | jump |",
            "|---|---|---|---|--:|--:|--:|--:|",
        ]
        for row in self.rows:
            convs = " + ".join(step.label() for step in row.convs) or "-"
            lines.append(
                f"| {row.name} | {row.variant} | {convs} | {list(row.output_shape)} "
                f"| {row.params:,} | {row.flops:,} | {_pair_text(row.receptive_field)} "
                f"| {_pair_text(row.jump)} |"
            )
        lines += [
            f"| (outside layers) | | | | {self.outside_params:,} | {self.outside_flops:,} | | |",
            f"| **total** | | | | **{self.total_params:,}** | **{self.total_flops:,}** | | |",
            "",
            "FLOPs: torch.utils.flop_counter, 2 per multiply-accumulate; bias additions and "
            "element-wise ops (activations, mask products, the input normalisation) count 0.",
            "RF: theoretical receptive field in input pixels along the deepest path (every "
            "conv run so far; in the U-Net the path through the bottleneck, which contains "
            "every skip path); deformable convs on their regular grid; after an FFT step the "
            "whole input. jump: input pixels "
            "between neighbouring outputs.",
        ]
        return "\n".join(lines)


def _number(value: Fraction) -> int | float:
    return int(value) if value.denominator == 1 else float(value)


def _pair_text(pair: tuple[Fraction, Fraction] | tuple[int, int]) -> str:
    h, w = (_number(Fraction(v)) for v in pair)
    return f"{h}" if h == w else f"{h}x{w}"


def _is_conv(module: nn.Module) -> bool:
    weight = getattr(module, "weight", None)
    return (
        all(hasattr(module, attr) for attr in ("kernel_size", "stride", "dilation"))
        and isinstance(weight, Tensor)
        and weight.ndim == 4
    )


def conv_modules(layer: nn.Module) -> list[nn.Module]:
    """The convolutions of ``layer`` (see the module docstring), in registration order."""
    found: list[nn.Module] = []

    def visit(module: nn.Module) -> None:
        if _is_conv(module) or isinstance(module, FourierUnit):
            found.append(module)
            return
        for child in module.children():
            visit(child)

    visit(layer)
    return found


def named_layers(model: nn.Module, prefix: str = "") -> Iterator[tuple[str, nn.Module]]:
    """``(name, layer)`` for each child of ``model``, looking inside ModuleList/ModuleDict."""
    for name, child in model.named_children():
        if isinstance(child, nn.ModuleList | nn.ModuleDict):
            yield from named_layers(child, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", child


def variant_name(layer: nn.Module) -> str:
    """Registry name of the first registered layer class in ``layer``, else its class name."""
    for module in layer.modules():
        if type(module) in VARIANT_NAMES:
            return VARIANT_NAMES[type(module)]
    return type(layer).__name__


def _shape_of(value: object) -> tuple[int, ...] | None:
    return tuple(value.shape) if isinstance(value, Tensor) else None


@torch.no_grad()
def summarize(
    model: nn.Module, input_shape: Sequence[int], mask_shape: Sequence[int] | None = None
) -> Summary:
    """Run ``model`` once on zeros (and an all-ones mask) and summarise every layer.

    Every layer must take ``(x, mask)`` and return ``(y, mask)`` as the layers of
    `inpaint.layers` do, and run exactly once per forward pass.

    Args:
        model: e.g. a `UNetGenerator` (``model(image, mask)``) or a `LayerStack`.
        input_shape: ``[N, C, H, W]`` of the model's input.
        mask_shape: ``[N, 1, H, W]`` of its mask; ``None`` calls ``model(x)``.

    Returns:
        Summary: rows in forward order, the outside-layers row and the totals.

    Raises:
        ValueError: a layer runs more than once, or the model has no layers.
    """
    input_shape = tuple(input_shape)
    mask_shape = tuple(mask_shape) if mask_shape is not None else None
    layers = dict(named_layers(model))
    if not layers:
        raise ValueError(f"{type(model).__name__} holds no layers to summarise")
    order: list[str] = []
    io: dict[str, tuple] = {}
    steps: dict[str, list[ConvStep]] = {name: [] for name in layers}
    size = input_shape[-2:]

    def layer_hook(name: str):
        def hook(_module: nn.Module, args: tuple, output: object) -> None:
            if name in io:
                raise ValueError(f"layer {name!r} runs more than once in one forward pass")
            order.append(name)
            x, mask = args[0], args[1] if len(args) > 1 else None
            y = output[0] if isinstance(output, tuple) else output
            io[name] = (_shape_of(x), _shape_of(mask), _shape_of(y))

        return hook

    def conv_hook(name: str):
        def hook(conv: nn.Module, args: tuple, output: object) -> None:
            y = output[0] if isinstance(output, tuple) else output
            if isinstance(conv, FourierUnit):
                grid = tuple(args[0].shape[-2:])
                steps[name].append(
                    ConvStep(grid, (1, 1), (0, 0), (1, 1), False, grid, grid, spectral=True)
                )
                return
            steps[name].append(
                ConvStep(
                    kernel_size=_pair(conv.kernel_size),
                    stride=_pair(conv.stride),
                    padding=_pair(conv.padding),
                    dilation=_pair(conv.dilation),
                    transposed=bool(getattr(conv, "transposed", False)),
                    input_size=tuple(args[0].shape[-2:]),
                    output_size=tuple(y.shape[-2:]),
                )
            )

        return hook

    handles = []
    for name, layer in layers.items():
        handles.append(layer.register_forward_hook(layer_hook(name)))
        for conv in conv_modules(layer):
            handles.append(conv.register_forward_hook(conv_hook(name)))
    param = next(model.parameters(), None)
    factory = {"device": param.device, "dtype": param.dtype} if param is not None else {}
    args = [torch.zeros(input_shape, **factory)]
    if mask_shape is not None:
        args.append(torch.ones(mask_shape, **factory))
    try:
        model(*args)
    finally:
        for handle in handles:
            handle.remove()

    rows = []
    path: list[ConvStep] = []
    for name in order:
        x_shape, layer_mask_shape, y_shape = io[name]
        path += steps[name]
        rf = tuple(chain_receptive_field(path, y_shape[2 + d], size[d], d) for d in (0, 1))
        rows.append(
            LayerRow(
                name=name,
                variant=variant_name(layers[name]),
                convs=tuple(steps[name]),
                output_shape=y_shape,
                params=count_params(layers[name]),
                flops=count_flops(layers[name], x_shape, layer_mask_shape),
                receptive_field=rf,
                jump=(Fraction(size[0], y_shape[-2]), Fraction(size[1], y_shape[-1])),
            )
        )
    total_params = count_params(model)
    total_flops = count_flops(model, input_shape, mask_shape)
    return Summary(
        model=type(model).__name__,
        input_shape=input_shape,
        mask_shape=mask_shape,
        rows=tuple(rows),
        outside_params=total_params - sum(row.params for row in rows),
        outside_flops=total_flops - sum(row.flops for row in rows),
        total_params=total_params,
        total_flops=total_flops,
    )


def _pair(value: int | Sequence[int]) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else (int(value[0]), int(value[1]))


class LayerStack(nn.Module):
    """Mask-interface layers applied one after the other (a ``nn.Sequential`` for them).

    forward(x [N, C, H, W], mask [N, 1, H, W] | None) -> (y [N, C', H', W'], mask_out): each
    layer receives the previous layer's output and mask.
    """

    def __init__(self, layers: Sequence[nn.Module]) -> None:
        super().__init__()
        self.layers = nn.ModuleList(layers)

    def forward(self, x: Tensor, mask: Tensor | None = None) -> tuple[Tensor, Tensor | None]:
        for layer in self.layers:
            x, mask = layer(x, mask)
        return x, mask
