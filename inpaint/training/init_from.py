"""Start training from a pretrained generator: a shipped model's name or an exported
``.safetensors`` (with its JSON card beside it), with a fresh optimizer and schedule.

Strict (the default), the card's architecture must equal the run's ``model.generator``; the
error names every key that differs. Not strict, every tensor whose name and shape match is
copied and the rest keep their fresh initialisation (e.g. standard-conv outer levels under a
new bottleneck block).
"""

from __future__ import annotations

import inspect
import logging
from typing import Any

from safetensors.torch import load_file

from inpaint.inference.weights import read_card, resolve_model
from inpaint.models import UNetGenerator
from inpaint.models.block_spec import BlockSpec, UpsampleSpec
from inpaint.utils import ConfigError

log = logging.getLogger(__name__)

_GENERATOR_DEFAULTS = {
    name: parameter.default
    for name, parameter in inspect.signature(UNetGenerator).parameters.items()
    if parameter.default is not inspect.Parameter.empty
}


def _normalised(config: dict[str, Any]) -> dict[str, Any]:
    """Generator kwargs with defaults filled in, layer specs parsed and tuples as lists, so
    that ``"standard"`` and ``{"name": "standard"}`` compare equal."""
    merged = {**_GENERATOR_DEFAULTS, **config}
    for key in ("block", "outer_block"):
        merged[key] = BlockSpec.parse(merged[key])
    merged["upsample"] = UpsampleSpec.parse(merged["upsample"])
    return {k: list(v) if isinstance(v, tuple) else v for k, v in merged.items()}


def architecture_differences(card: dict[str, Any], config: dict[str, Any]) -> list[str]:
    """``"key (card X, config Y)"`` for every generator kwarg on which the two disagree."""
    card, config = _normalised(card), _normalised(config)
    return [
        f"{key} (card {card.get(key)!r}, config {config.get(key)!r})"
        for key in sorted(set(card) | set(config))
        if card.get(key) != config.get(key)
    ]


def initialize_generator(
    generator: UNetGenerator, config: dict[str, Any], source: str, strict: bool = True
) -> list[str]:
    """Copy the weights of `source` into `generator` (built from the kwargs `config`).

    Returns:
        list[str]: names of the generator's tensors left at their initialisation (empty when
        strict).

    Raises:
        ConfigError: unknown model, missing file or card, unreadable weights, or (strict) an
            architecture that differs from the card's, naming the keys.
    """
    try:
        path = resolve_model(source)
        card = read_card(path)
        state = load_file(str(path))
    except (FileNotFoundError, ValueError) as error:
        raise ConfigError(f"model.init_from={source}: {error}") from error
    except Exception as error:  # safetensors raises its own types for corrupt files
        raise ConfigError(f"model.init_from={source}: {path} is not readable: {error}") from error
    if strict:
        differences = architecture_differences(card["generator"], config)
        if differences:
            raise ConfigError(
                f"model.init_from={source}: the model card of {path} describes another "
                f"architecture than model.generator: {'; '.join(differences)}. Set the same "
                "model/block and model.generator values, or model.init_strict=false to copy "
                "only the tensors whose names and shapes match"
            )
    own = generator.state_dict()
    matching = {k: v for k, v in state.items() if k in own and own[k].shape == v.shape}
    fresh = sorted(set(own) - set(matching))
    if strict and fresh:
        raise ConfigError(f"model.init_from={source}: {path} lacks tensors {fresh[:5]}")
    generator.load_state_dict(matching, strict=False)  # copies into the float32 parameters
    log.info(
        "initialised %d of %d generator tensors from %s%s",
        len(matching),
        len(own),
        path,
        f"; fresh: {len(fresh)} ({', '.join(fresh[:4])}, ...)" if fresh else "",
    )
    return fresh
