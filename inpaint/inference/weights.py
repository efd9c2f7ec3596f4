"""Generator weights as safetensors + a JSON model card; loading never unpickles.

A model is two files side by side: ``<name>.safetensors`` (the generator's state dict) and
``<name>.json`` (its card: the generator config that rebuilds the architecture, the data and
its terms, steps, wall time, metrics). Shipped models live in ``inpaint/weights/``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save

from inpaint.model_cards import read_card, resolve_model
from inpaint.models import UNetGenerator
from inpaint.utils import atomic_write


def load_generator(name_or_path: str | Path) -> tuple[UNetGenerator, dict[str, Any]]:
    """(generator in eval mode, its card) for a shipped model name or a .safetensors path."""
    weights_path = resolve_model(name_or_path)
    card = read_card(weights_path)
    try:
        generator = UNetGenerator(**card["generator"])
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"the 'generator' config in the card of {weights_path} does not build a "
            f"UNetGenerator: {error}"
        ) from error
    try:
        state = load_file(str(weights_path))
    except Exception as error:  # safetensors raises its own error types for corrupt files
        raise ValueError(f"{weights_path} is not a readable safetensors file: {error}") from error
    expected, given = generator.state_dict(), state
    missing = sorted(set(expected) - set(given))
    unexpected = sorted(set(given) - set(expected))
    wrong_shape = sorted(
        k for k in set(expected) & set(given) if expected[k].shape != given[k].shape
    )
    if missing or unexpected or wrong_shape:
        raise ValueError(
            f"{weights_path} does not fit the architecture in its card "
            f"(block {card['generator'].get('block')!r}): {len(missing)} missing, "
            f"{len(unexpected)} unexpected, {len(wrong_shape)} wrongly shaped tensors "
            f"(e.g. {(missing + unexpected + wrong_shape)[:3]})"
        )
    generator.load_state_dict(state)  # copies into the float32 parameters
    return generator.eval(), card


def save_generator(
    generator: UNetGenerator,
    card: dict[str, Any],
    weights_path: str | Path,
    dtype: torch.dtype = torch.float16,
    max_bytes: int | None = None,
) -> None:
    """Write ``weights_path`` (.safetensors) and its .json card, each atomically.

    `card` must hold the ``generator`` kwargs that rebuild `generator`. Floating-point
    tensors are stored as `dtype` (float16 by default: half the size); loading casts them
    back to the generator's float32. With `max_bytes`, larger weights raise ValueError and
    nothing is written.
    """
    weights_path = Path(weights_path)
    if weights_path.suffix != ".safetensors":
        raise ValueError(f"weights path must end in .safetensors, got {weights_path}")
    if "generator" not in card:
        raise ValueError("the model card needs the 'generator' kwargs that rebuild the network")
    tensors = {
        k: (v.to(dtype) if v.is_floating_point() else v).detach().contiguous().cpu()
        for k, v in generator.state_dict().items()
    }
    data = save(tensors)
    if max_bytes is not None and len(data) > max_bytes:
        raise ValueError(
            f"{weights_path.name} would be {len(data) / 2**20:.1f} MiB, over the limit of "
            f"{max_bytes / 2**20:.1f} MiB; nothing written"
        )
    with atomic_write(weights_path, "wb") as file:
        file.write(data)
    with atomic_write(weights_path.with_suffix(".json"), "w") as file:
        json.dump(card, file, indent=2)
