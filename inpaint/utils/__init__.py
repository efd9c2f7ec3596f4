"""Small shared helpers."""

from inpaint.utils.atomic import DiskFullError, atomic_write
from inpaint.utils.hydra_config import (
    CONFIG_MODULE,
    ConfigError,
    compose_train_config,
    constructor_error,
)

__all__ = [
    "CONFIG_MODULE",
    "ConfigError",
    "DiskFullError",
    "atomic_write",
    "compose_train_config",
    "constructor_error",
]
