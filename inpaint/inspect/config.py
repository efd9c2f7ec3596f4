"""The generator of the training config, built from the same Hydra overrides as training.

Only ``cfg.model.generator`` (and ``cfg.mask`` for masks) is instantiated: the rest of the
training config (paths that use the ``${hydra:...}`` resolver, data, logger) is never
resolved.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import torch
from hydra.errors import InstantiationException
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException
from torch import Tensor

from inpaint.data import known_from_holes
from inpaint.models import UNetGenerator
from inpaint.utils import ConfigError, constructor_error


class InspectError(ConfigError):
    """A config, override or checkpoint that cannot be used; the message says why."""


def build_generator(cfg: DictConfig) -> UNetGenerator:
    """Instantiate ``cfg.model.generator`` (fresh weights).

    Raises:
        InspectError: the generator's constructor rejects the config (its own message).
    """
    try:
        return instantiate(cfg.model.generator)
    except (InstantiationException, OmegaConfBaseException, ValueError) as error:
        raise InspectError(f"cannot build model.generator: {constructor_error(error)}") from error


def config_image_size(cfg: DictConfig) -> int:
    """``cfg.data.image_size``, the side of the training crops.

    Raises:
        InspectError: the composed config has no ``data.image_size``.
    """
    size = OmegaConf.select(cfg, "data.image_size")
    if not isinstance(size, int):
        raise InspectError(f"the training config has no integer data.image_size (got {size!r})")
    return size


def config_masks(cfg: DictConfig, count: int, size: int, seed: int) -> Tensor:
    """``count`` masks from the training config's mask generator (``cfg.mask``, e.g. the
    DeepFill v2 free-form strokes), drawn with ``numpy.random.default_rng(seed)``.

    Returns:
        Tensor[count, 1, size, size]: 1 = known, 0 = hole.

    Raises:
        InspectError: ``cfg.mask`` cannot be built (its constructor's message).
    """
    try:
        generator = instantiate(cfg.mask)
    except (InstantiationException, OmegaConfBaseException, ValueError) as error:
        raise InspectError(f"cannot build mask: {constructor_error(error)}") from error
    rng = np.random.default_rng(seed)
    masks = [known_from_holes(generator(size, size, rng)) for _ in range(count)]
    return torch.from_numpy(np.stack(masks)).unsqueeze(1)


def load_generator_weights(generator: UNetGenerator, path: str | Path) -> None:
    """Load the ``generator.*`` weights of a Lightning checkpoint into ``generator``.

    The file is read with ``torch.load(weights_only=True)`` (no code is unpickled).

    Raises:
        InspectError: the file is missing or unreadable, holds no ``generator.`` weights, or
            its weights do not fit ``generator`` (built from different overrides).
    """
    path = Path(path)
    try:
        checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError as error:
        raise InspectError(f"{path}: no such checkpoint file") from error
    except (OSError, RuntimeError, EOFError, pickle.UnpicklingError) as error:
        raise InspectError(f"{path}: not a readable checkpoint ({error})") from error
    state = checkpoint.get("state_dict", checkpoint) if isinstance(checkpoint, dict) else {}
    weights = {
        key.removeprefix("generator."): value
        for key, value in state.items()
        if isinstance(key, str) and key.startswith("generator.")
    }
    if not weights:
        raise InspectError(f"{path}: its state_dict holds no 'generator.' weights")
    try:
        generator.load_state_dict(weights)
    except RuntimeError as error:
        raise InspectError(
            f"{path}: its generator does not match the one built from these overrides "
            f"(pass the run's overrides, e.g. model/block=...): {error}"
        ) from error
