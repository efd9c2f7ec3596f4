"""``python scripts/erf.py``: effective receptive fields of the generator, per conv variant.

For each variant (a ``model/block`` or ``model/upsample`` option) the generator is built from
the training config, freshly initialised (seeded) and, with ``--checkpoint NAME=PATH``, also
with trained weights; ``--pretrained NAME|PATH`` adds shipped or exported models, each built
from its model card. The effective receptive field (Luo et al. 2016) of its bottleneck
centre unit and of its output centre pixel is measured as the mean ``|gradient|`` with
respect to the input image over random noise images and masks of the training config's
mask generator (``mask=...`` overrides it); printed as a markdown
table next to the theoretical receptive field (`inpaint-inspect`), and saved as heatmaps.
The output centre pixel is measured twice: with the random masks, and with a centred hole of
a quarter of the side added to them (the pixel must then be filled from outside the hole).
Gated, partial and deformable generators also get their gate maps, shrinking holes and
sampling points::

    python scripts/erf.py --out docs/images                            # every variant
    python scripts/erf.py --variants gated,partial --samples 4
    python scripts/erf.py --variants gated --checkpoint gated=logs/runs/<run>/checkpoints/last.ckpt
    python scripts/erf.py --variants "" --pretrained standard,dilated,partial,gated,deformable
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path

import torch
from torch import Tensor

from inpaint.data import ImageReadError, sample_files
from inpaint.inference.weights import load_generator
from inpaint.inspect.config import (
    InspectError,
    build_generator,
    config_masks,
    load_generator_weights,
)
from inpaint.inspect.erf import (
    centre_hole,
    centre_of,
    coarsest_centre_unit,
    input_gradient,
    mass_radius,
    output_centre_unit,
    support_size,
)
from inpaint.inspect.heatmap import grid, save_png
from inpaint.inspect.pictures import (
    demo_mask,
    erf_panel,
    gate_picture,
    load_image,
    mask_picture,
    offset_picture,
    single_conv_picture,
)
from inpaint.inspect.summary import named_layers, summarize
from inpaint.models import UNetGenerator
from inpaint.utils import ConfigError, compose_train_config

DEFAULT_VARIANTS = (
    "standard,dilated,partial,gated,deformable,deformable_v2,separable,bottleneck,"
    "resize,pixelshuffle"
)


def config_options(group: str) -> list[str]:
    """Option names of a packaged config group, e.g. ``model/block``."""
    folder = files("inpaint.configs").joinpath(*group.split("/"))
    return sorted(
        p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")
    )


def variant_override(name: str) -> str:
    """``model/block=<name>`` or ``model/upsample=<name>``, whichever group has the option.

    Raises:
        InspectError: neither group has it (the message lists both groups' options).
    """
    for group in ("model/block", "model/upsample"):
        if name in config_options(group):
            return f"{group}={name}"
    raise InspectError(
        f"unknown variant {name!r}; model/block options: {', '.join(config_options('model/block'))}"
        f"; model/upsample options: {', '.join(config_options('model/upsample'))}"
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="erf", description=__doc__.split("\n\n")[0], allow_abbrev=False
    )
    parser.add_argument("--variants", default=DEFAULT_VARIANTS, help="comma-separated names")
    parser.add_argument(
        "--checkpoint",
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="trained Lightning checkpoint of a variant (repeatable)",
    )
    parser.add_argument(
        "--pretrained",
        default="",
        metavar="NAMES",
        help="comma-separated shipped model names or .safetensors paths, measured as built by "
        "their model cards",
    )
    parser.add_argument("--samples", type=int, default=8, help="random inputs per measurement")
    parser.add_argument("--image-size", type=int, default=256, help="side of the inputs")
    parser.add_argument("--seed", type=int, default=0, help="seed of weights, inputs and masks")
    parser.add_argument("--out", type=Path, default=Path("docs/images"), help="PNG folder")
    parser.add_argument(
        "--image",
        type=Path,
        default=sample_files("val")[0],
        help="photo for the gate/mask/offset pictures (default: the embedded coffee photo)",
    )
    parser.add_argument(
        "--offset-layer", default="context.0", help="layer whose deformable sampling is drawn"
    )
    parser.add_argument("overrides", nargs="*", help="Hydra overrides for every variant")
    args = parser.parse_args(argv)
    if args.samples < 1 or args.image_size < 8:
        parser.error("--samples must be >= 1 and --image-size >= 8")
    return args


def parse_checkpoints(specs: Sequence[str], variants: Sequence[str]) -> dict[str, Path]:
    """``["gated=path"]`` -> ``{"gated": Path("path")}``; names must be among ``variants``."""
    checkpoints = {}
    for spec in specs:
        name, sep, path = spec.partition("=")
        if not sep or not path:
            raise InspectError(f"--checkpoint wants NAME=PATH, got {spec!r}")
        if name not in variants:
            raise InspectError(f"--checkpoint {name!r} is not among --variants {list(variants)}")
        if not Path(path).is_file():
            raise InspectError(f"{path}: no such checkpoint file")
        checkpoints[name] = Path(path)
    return checkpoints


def measure(
    name: str,
    weights: str,
    generator: UNetGenerator,
    args: argparse.Namespace,
    inputs: tuple[Tensor, Tensor],
    picture: tuple[Tensor, Tensor],
) -> list[dict]:
    """ERF rows of one generator: its bottleneck centre unit, its output centre pixel, and
    that pixel again with a centred ``H/4``-sided hole added to every mask (how far the
    generator reaches to fill a hole). Saves the heatmaps and the variant's pictures under
    ``args.out``.

    Args:
        inputs: random images [S, 3, H, W] and masks [S, 1, H, W] to average over.
        picture: one image [1, 3, H, W] and mask [1, 1, H, W] for gate/mask/offset pictures.
    """
    size = args.image_size
    summary = summarize(generator, (1, generator.image_channels, size, size), (1, 1, size, size))
    rf = {row.name: row.receptive_field[0] for row in summary.rows}
    names = {id(layer): layer_name for layer_name, layer in named_layers(generator)}
    images, masks = inputs
    output = (output_centre_unit(generator), summary.rows[-1].receptive_field[0])
    units = {
        "bottleneck": (coarsest_centre_unit(generator), rf[names[id(generator.coarsest_layer())]]),
        "output": output,
        "output in hole": output,
    }
    suffix = "" if weights == "fresh" else f"_{weights}"
    rows, panels = [], []
    for unit_name, (unit, theoretical) in units.items():
        unit_masks = centre_hole(masks, size // 4) if unit_name == "output in hole" else masks
        grad = input_gradient(unit, images, unit_masks)
        centre = centre_of(grad.shape)
        r50, r95 = (mass_radius(grad, centre, f) for f in (0.5, 0.95))
        support = support_size(grad)[1]
        rows.append(
            dict(
                variant=name,
                weights=weights,
                unit=unit_name,
                rf=theoretical,
                support=support,
                r50=r50,
                r95=r95,
            )
        )
        title = f"{name} ({weights})\n{unit_name}\nRF {theoretical}, r50 {r50}, r95 {r95}"
        panels.append(erf_panel(grad, title, theoretical, r50, r95, size=160))
    save_png(grid(panels, columns=3), args.out / f"erf_{name}{suffix}.png")
    image, mask = picture
    extras = {
        f"gates_{name}{suffix}.png": gate_picture(generator, image, mask),
        f"masks_{name}{suffix}.png": mask_picture(generator, image, mask),
        f"offsets_{name}{suffix}.png": offset_picture(generator, args.offset_layer, image, mask),
    }
    for file_name, extra in extras.items():
        if extra is not None:
            save_png(extra, args.out / file_name)
    return rows


def load_pretrained_generators(specs: str) -> dict[str, UNetGenerator]:
    """``"standard,x.safetensors"`` -> ``{"standard": ..., "x": ...}``, generators in eval mode.

    Raises:
        InspectError: a name is neither shipped nor a file, a file does not load (the loader's
            message, which lists the shipped names), or two models have one name (their
            pictures would overwrite each other).
    """
    generators, sources = {}, {}
    for spec in (s for s in specs.split(",") if s):
        try:
            generator, card = load_generator(spec)
        except (FileNotFoundError, ValueError) as error:
            raise InspectError(f"--pretrained {spec!r}: {error}") from error
        name = str(card.get("name", Path(spec).stem))
        if name in sources:
            raise InspectError(
                f"--pretrained {sources[name]!r} and {spec!r} are both named {name!r} (their "
                "cards' 'name', else the file name): measure them in separate runs or rename one"
            )
        generators[name], sources[name] = generator, spec
    return generators


def markdown_table(rows: Sequence[dict], size: int, samples: int, mask: str) -> str:
    """The rows of `measure` as a markdown table under a line saying how they were measured."""
    lines = [
        f"Effective receptive field, {samples} random {size}x{size} inputs with {mask} masks "
        "(square radii in input pixels: the centred square of side 2r+1 holds that share of "
        "the mean |gradient|; RF: theoretical side, largest over output pixels; support: side "
        "of the nonzero gradient at the centre pixel)",
        "",
        "| variant | weights | unit | theoretical RF | support | r50 | r95 |",
        "|---|---|---|--:|--:|--:|--:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['variant']} | {r['weights']} | {r['unit']} | {r['rf']} | {r['support']} "
            f"| {r['r50']} | {r['r95']} |"
        )
    return "\n".join(lines)


def check_image_size(size: int, generator: UNetGenerator) -> None:
    """Raises InspectError unless ``--image-size`` is a multiple of the generator's."""
    if size % generator.size_multiple:
        raise InspectError(
            f"--image-size {size} must be a multiple of {generator.size_multiple} "
            "for this generator"
        )


def main(argv: Sequence[str] | None = None) -> None:
    """Measure, save pictures to ``--out`` and print the table; bad input exits with 2."""
    args = parse_args(argv)
    variants = [v for v in args.variants.split(",") if v]
    size = args.image_size
    try:
        overrides = {name: [variant_override(name), *args.overrides] for name in variants}
        checkpoints = parse_checkpoints(args.checkpoint, variants)
        configs = {name: compose_train_config(o) for name, o in overrides.items()}
        base = compose_train_config(args.overrides)
        masks = config_masks(base, args.samples, size, args.seed)
        mask_name = str(base.mask.get("_target_", "the configured")).rpartition(".")[2]
        picture = (load_image(args.image, size), demo_mask(size))
        pretrained = load_pretrained_generators(args.pretrained)
        for generator in pretrained.values():
            check_image_size(size, generator)
    except (ConfigError, FileNotFoundError, ImageReadError) as error:
        print(f"erf: {error}", file=sys.stderr)
        sys.exit(2)
    images = torch.rand(
        args.samples, 3, size, size, generator=torch.Generator().manual_seed(args.seed)
    )
    torch.manual_seed(args.seed)
    save_png(single_conv_picture(), args.out / "erf_single_conv.png")

    rows = []
    try:
        for name in variants:
            torch.manual_seed(args.seed)
            generator = build_generator(configs[name]).eval()
            check_image_size(size, generator)
            states = [("fresh", None)]
            if name in checkpoints:
                states.append(("trained", checkpoints[name]))
            for weights, path in states:
                if path is not None:
                    load_generator_weights(generator, path)
                rows += measure(name, weights, generator, args, (images, masks), picture)
                print(f"measured {name} ({weights})", file=sys.stderr)
        for name, generator in pretrained.items():
            rows += measure(name, "pretrained", generator, args, (images, masks), picture)
            print(f"measured {name} (pretrained)", file=sys.stderr)
    except ValueError as error:  # InspectError, or a layer/image the pictures cannot use
        print(f"erf: {error}", file=sys.stderr)
        sys.exit(2)
    print(markdown_table(rows, size, args.samples, mask_name))


if __name__ == "__main__":
    main()
