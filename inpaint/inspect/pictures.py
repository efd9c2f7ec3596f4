"""Pictures of what a generator's conv variant does: ERF heatmaps, gate maps, the holes of
partial convs level by level, and the sampling points of a deformable conv.

Gate and mask maps come from `inpaint.models.introspection.capture_internals` (found by
module name: ``gate_activation``, encoder level outputs); offsets from the ``offset_conv`` of
a deformable layer.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw, ImageOps
from torch import Tensor, nn

from inpaint.data import load_rgb
from inpaint.inspect.erf import input_gradient, sampling_points
from inpaint.inspect.heatmap import grid, heatmap, titled, to_image
from inpaint.models.generator import UNetGenerator
from inpaint.models.introspection import capture_internals

WHITE, CYAN, GREEN, RED = (255, 255, 255), (0, 220, 255), (80, 255, 80), (255, 40, 40)


def demo_mask(size: int) -> Tensor:
    """A square hole in the centre (a quarter of the side) and a thick diagonal stroke,
    Tensor[1, 1, size, size] with 1 = known."""
    canvas = Image.new("L", (size, size), 255)
    draw = ImageDraw.Draw(canvas)
    q = size // 8
    draw.rectangle([4 * q - q, 4 * q - q, 4 * q + q - 1, 4 * q + q - 1], fill=0)
    draw.line([(q, 7 * q), (3 * q, 5 * q)], fill=0, width=max(1, size // 24))
    return torch.from_numpy(np.asarray(canvas) / 255.0).float().view(1, 1, size, size)


def load_image(path: str | Path, size: int) -> Tensor:
    """An image file, centre-cropped to a square and resized to ``size``; [1, 3, size, size]
    in [0, 1].

    Raises:
        FileNotFoundError, inpaint.data.ImageReadError: the file is missing or unreadable
            (the message names it).
    """
    image = Image.fromarray(load_rgb(path))
    side = min(image.size)
    left, top = (image.width - side) // 2, (image.height - side) // 2
    image = image.crop((left, top, left + side, top + side)).resize(
        (size, size), Image.Resampling.LANCZOS
    )
    return torch.from_numpy(np.asarray(image) / 255.0).float().permute(2, 0, 1).unsqueeze(0)


def masked_view(image: Tensor, mask: Tensor) -> Image.Image:
    """``image`` [1, 3, H, W] with its holes (``mask`` [1, 1, H, W] == 0) painted grey."""
    shown = torch.where(mask > 0.5, image, torch.full_like(image, 0.5))
    return to_image(shown[0].permute(1, 2, 0).numpy())


def erf_panel(grad_map: Tensor, title: str, rf: int, r50: int, r95: int, size: int) -> Image.Image:
    """Heatmap of a gradient map [H, W] with the theoretical RF (white), the 95% square (cyan)
    and the 50% square (green) outlined, under ``title``."""
    squares = [(rf, WHITE), (2 * r95 + 1, CYAN), (2 * r50 + 1, GREEN)]
    return titled(heatmap(grad_map.numpy(), squares=squares, size=size), title)


def single_conv_picture(dilations: tuple[int, ...] = (1, 2), canvas: int = 11) -> Image.Image:
    """Measured ERF of one fresh 3x3 conv per dilation, on a ``canvas``-pixel input, each
    pixel drawn 12 pixels wide so the taps (and the holes of a dilated kernel) show."""
    panels = []
    centre = canvas // 2
    for dilation in dilations:
        conv = nn.Conv2d(4, 4, 3, padding=dilation, dilation=dilation)

        def unit(x: Tensor, _mask: Tensor, conv: nn.Conv2d = conv) -> Tensor:
            return conv(x)[:, :, centre, centre].sum(1)

        grad = input_gradient(
            unit, torch.rand(8, 4, canvas, canvas), torch.ones(8, 1, canvas, canvas)
        )
        image = heatmap(grad.numpy()).resize((12 * canvas, 12 * canvas), Image.Resampling.NEAREST)
        taps = int(grad.ne(0).sum())
        panels.append(titled(image, f"3x3, dilation {dilation}\n{taps} nonzero taps"))
    return grid(panels, columns=len(panels))


def gate_picture(
    generator: UNetGenerator, image: Tensor, mask: Tensor, size: int = 96
) -> Image.Image | None:
    """Masked input plus the mean gate map of every gated layer (each map scaled to its own
    min..max by `capture_internals`), or ``None`` if the generator has no gates."""
    internals = capture_internals(generator, image, mask)
    gates = {k.removeprefix("gate/"): v for k, v in internals.items() if k.startswith("gate/")}
    if not gates:
        return None
    panels = [titled(masked_view(image, mask).resize((size, size)), "input")]
    for name, gate in gates.items():
        label = name.removesuffix(".gate_activation").removesuffix(".conv")
        view = to_image(gate[0, 0].numpy()).resize((size, size), Image.Resampling.NEAREST)
        panels.append(titled(view, f"{label}\n{gate.shape[-1]}x{gate.shape[-2]}"))
    return grid(panels, columns=6)


def mask_picture(
    generator: UNetGenerator, image: Tensor, mask: Tensor, size: int = 128
) -> Image.Image | None:
    """The input mask and the mask after each encoder level, with the hole fraction, or
    ``None`` if the masks are merely resized (the variant does not update them)."""
    internals = capture_internals(generator, image, mask)
    masks = {k.removeprefix("mask/"): v for k, v in internals.items() if k.startswith("mask/")}
    if not masks:
        return None
    panels = []
    for name, level in {"input": mask, **masks}.items():
        view = to_image(level[0, 0].numpy()).resize((size, size), Image.Resampling.NEAREST)
        view = ImageOps.expand(view, border=1, fill=128)
        hole = 1 - level.mean().item()
        panels.append(titled(view, f"{name} {level.shape[-1]}x{level.shape[-2]}\nhole {hole:.1%}"))
    return grid(panels, columns=len(panels))


def offset_picture(
    generator: UNetGenerator, layer_name: str, image: Tensor, mask: Tensor
) -> Image.Image | None:
    """Sampling points of the deformable conv inside layer ``layer_name`` (e.g.
    ``context.0``) for its centre output pixel, drawn on the masked input: white circles are
    the regular grid, red dots where the predicted offsets move them. ``None`` if that layer
    holds no module with an ``offset_conv``.

    Raises:
        ValueError: ``layer_name`` is not a submodule of the generator.
    """
    try:
        layer = generator.get_submodule(layer_name)
    except AttributeError as error:
        raise ValueError(f"the generator has no layer {layer_name!r}") from error
    deformable = next((m for m in layer.modules() if hasattr(m, "offset_conv")), None)
    if deformable is None:
        return None
    seen: dict[str, Tensor] = {}
    handles = [
        deformable.register_forward_pre_hook(lambda _m, args: seen.update(x=args[0])),
        deformable.offset_conv.register_forward_hook(lambda _m, _a, out: seen.update(off=out)),
    ]
    try:
        with torch.no_grad():
            generator(image, mask)
    finally:
        for handle in handles:
            handle.remove()
    offsets = seen["off"][0]
    centre = (offsets.shape[-2] // 2, offsets.shape[-1] // 2)
    grid_points, moved = sampling_points(
        offsets,
        deformable.kernel_size,
        deformable.stride,
        deformable.padding,
        deformable.dilation,
        centre,
    )
    jump = image.shape[-1] / seen["x"].shape[-1]
    canvas = masked_view(image, mask)
    draw = ImageDraw.Draw(canvas)

    def point(y: float, x: float) -> tuple[float, float]:
        """Input-grid pixel -> canvas (x, y): the centre of that image pixel."""
        return x * jump + 0.5, y * jump + 0.5

    for (gy, gx), (my, mx) in zip(grid_points.tolist(), moved.tolist(), strict=True):
        (ax, ay), (bx, by) = point(gy, gx), point(my, mx)
        draw.line([(ax, ay), (bx, by)], fill=RED, width=1)
        draw.ellipse([ax - 5, ay - 5, ax + 5, ay + 5], outline=WHITE, width=2)
        draw.ellipse([bx - 2.5, by - 2.5, bx + 2.5, by + 2.5], fill=RED)
    length = (moved - grid_points).norm(dim=1).mean().item() * jump
    return titled(
        canvas,
        f"{layer_name}: {deformable.kernel_size[0]}x{deformable.kernel_size[1]} taps of\n"
        f"the centre pixel; mean offset\n{length:.2f} input pixels",
    )
