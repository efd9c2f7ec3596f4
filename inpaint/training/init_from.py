"""Start training from a pretrained generator: a shipped model's name or an exported
``.safetensors`` (with its JSON card beside it), with a fresh optimizer and schedule.

Strict (``model.init_strict=true``, the default) the architecture comes from the model card:
``python scripts/train.py model.init_from=deformable`` builds the deformable model's generator
whatever ``model/block`` says by default. A generator setting that the config changes from its
defaults (on the command line or in an experiment) must agree with the card; the error names
every key that does not. Not strict, the config's architecture stands and every tensor whose
name and shape match is copied; the rest keep their fresh initialisation (e.g. standard-conv
outer levels under a new bottleneck block). :func:`initialize_generator` returns the run's
record of what it copied from where (:mod:`inpaint.training.lineage`).
"""

from __future__ import annotations

import hashlib
import inspect
import logging
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf
from safetensors.torch import load

from inpaint.model_cards import read_card, resolve_model
from inpaint.models import UNetGenerator
from inpaint.models.block_spec import BlockSpec, UpsampleSpec
from inpaint.training.lineage import init_record
from inpaint.utils import ConfigError, compose_train_config

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


def _generator_kwargs(cfg: DictConfig) -> dict[str, Any]:
    """``model.generator`` resolved, without Hydra's ``_target_`` / ``_convert_`` keys."""
    generator = OmegaConf.to_container(cfg.model.generator, resolve=True)
    return {k: v for k, v in generator.items() if not k.startswith("_")}


def _source(cfg: DictConfig) -> tuple[Path, dict[str, Any]]:
    """(weights path, card) of ``model.init_from``."""
    source = cfg.model.init_from
    try:
        path = resolve_model(source)
        return path, read_card(path)
    except (FileNotFoundError, ValueError) as error:
        raise ConfigError(f"model.init_from={source}: {error}") from error


def architecture_conflicts(
    card: dict[str, Any], config: dict[str, Any], defaults: dict[str, Any]
) -> list[str]:
    """``"key (card X, config Y)"`` for every generator kwarg that `config` changes from
    `defaults` to something other than the card's value."""
    card, config, defaults = _normalised(card), _normalised(config), _normalised(defaults)
    return [
        f"{key} (card {card.get(key)!r}, config {config[key]!r})"
        for key in sorted(config)
        if config[key] != defaults.get(key) and config[key] != card.get(key)
    ]


def generator_config(cfg: DictConfig) -> dict[str, Any]:
    """The generator kwargs a run trains: ``model.generator``, or with a strict
    ``model.init_from`` the card's architecture.

    Raises:
        ConfigError: unknown model or missing card, or a generator setting changed from the
            defaults that disagrees with the card (every such key named).
    """
    config = _generator_kwargs(cfg)
    if not cfg.model.get("init_from") or not cfg.model.get("init_strict", True):
        return config
    path, card = _source(cfg)
    conflicts = architecture_conflicts(
        card["generator"], config, _generator_kwargs(compose_train_config())
    )
    if conflicts:
        raise ConfigError(
            f"model.init_from={cfg.model.init_from}: the model card of {path} describes "
            f"another architecture than this config sets: {'; '.join(conflicts)}. Drop those "
            "settings (the architecture comes from the card), or set model.init_strict=false "
            "to keep this config's architecture and copy only the tensors whose names and "
            "shapes match"
        )
    return dict(card["generator"])


def initialize_generator(generator: UNetGenerator, cfg: DictConfig) -> dict[str, Any]:
    """Copy the weights of ``model.init_from`` into `generator`, built by
    :func:`generator_config`.

    Returns:
        dict: what it copied from where (:func:`inpaint.training.lineage.init_record`), with
        the sha256 of the bytes loaded.

    Raises:
        ConfigError: unreadable weights, or (strict) weights that do not fit.
    """
    path, card = _source(cfg)
    strict = bool(cfg.model.get("init_strict", True))
    try:
        data = path.read_bytes()
        state = load(data)
    except Exception as error:  # safetensors raises its own types for corrupt files
        raise ConfigError(f"model.init_from: {path} is not readable: {error}") from error
    own = generator.state_dict()
    matching = {k: v for k, v in state.items() if k in own and own[k].shape == v.shape}
    fresh = sorted(set(own) - set(matching))
    if strict and fresh:
        raise ConfigError(f"model.init_from: {path} does not fit its card; lacks {fresh[:5]}")
    generator.load_state_dict(matching, strict=False)  # copies into the float32 parameters
    log.info(
        "initialised %d of %d generator tensors from %s%s",
        len(matching),
        len(own),
        path,
        f"; fresh: {len(fresh)} ({', '.join(fresh[:4])}, ...)" if fresh else "",
    )
    sha256 = hashlib.sha256(data).hexdigest()
    return init_record(str(cfg.model.init_from), sha256, card, strict, len(matching), len(fresh))
