"""The packaged Hydra configs composed outside a Hydra app, and their errors made plain.

Training, ``inpaint-inspect``, ``scripts/erf.py`` and the benchmark all build from the same
``configs/train.yaml`` with command-line overrides; a bad override or value reaches the user
as a `ConfigError` carrying Hydra's (or the constructor's) own message.
"""

from __future__ import annotations

from collections.abc import Sequence

from hydra import compose, initialize_config_module
from hydra.core.global_hydra import GlobalHydra
from hydra.errors import HydraException, InstantiationException
from omegaconf import DictConfig
from omegaconf.errors import OmegaConfBaseException

CONFIG_MODULE = "inpaint.configs"


class ConfigError(ValueError):
    """A config, override or value that cannot work, found before any work starts."""


def constructor_error(error: Exception) -> Exception:
    """Hydra wraps constructor errors; the constructor's own message is the useful one."""
    while isinstance(error, InstantiationException) and error.__cause__ is not None:
        error = error.__cause__
    return error


def compose_train_config(overrides: Sequence[str] = ()) -> DictConfig:
    """``configs/train.yaml`` composed with ``overrides`` (e.g. ``["model/block=gated"]``).

    Only composed, not resolved: ``paths`` (which uses the ``${hydra:...}`` resolver) stays
    unresolved until a Hydra app runs it.

    Raises:
        ConfigError: an unknown group, option or key, with Hydra's message.
    """
    try:
        if GlobalHydra.instance().is_initialized():  # inside a Hydra app: its own search path
            return compose("train", overrides=list(overrides))
        with initialize_config_module(CONFIG_MODULE, version_base="1.3"):
            return compose("train", overrides=list(overrides))
    except (HydraException, OmegaConfBaseException) as error:
        raise ConfigError(f"config error: {error}") from error
