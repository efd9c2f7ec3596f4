"""The configs the benchmark measures: every ``model/block`` option, composed as training does,
and every ``mask`` option that needs no files.

Only the parts that are benchmarked are instantiated; ``paths`` (which uses the
``${hydra:...}`` resolver) is never resolved.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.resources import files

from omegaconf import DictConfig, OmegaConf

from inpaint.utils import CONFIG_MODULE, compose_train_config

#: Blocks listed first, in this order (the issue's order); any other block follows by name.
BLOCK_ORDER = ("standard", "dilated", "partial", "gated", "deformable", "deformable_v2")


def _options(group: str) -> list[str]:
    """Names of the ``.yaml`` options of a config group, e.g. ``model/block``."""
    folder = files(CONFIG_MODULE).joinpath(group)
    return sorted(p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.endswith(".yaml"))


def block_names() -> list[str]:
    """Every ``model/block`` option, ``standard`` first."""
    names = _options("model/block")
    first = [n for n in BLOCK_ORDER if n in names]
    return first + [n for n in names if n not in first]


def compose_train_configs(
    blocks: Sequence[str], overrides: Sequence[str] = ()
) -> dict[str, DictConfig]:
    """``train.yaml`` composed once per block with ``model/block=<block>`` and ``overrides``.

    Raises:
        ConfigError: an unknown group, option or key in ``overrides``.
    """
    return {block: compose_train_config([f"model/block={block}", *overrides]) for block in blocks}


def mask_configs() -> dict[str, DictConfig]:
    """Every ``mask`` option whose config has no missing (``???``) value, by option name."""
    configs = {}
    for name in _options("mask"):
        cfg = OmegaConf.load(str(files(CONFIG_MODULE).joinpath(f"mask/{name}.yaml")))
        if not OmegaConf.missing_keys(cfg):
            configs[name] = cfg
    return configs
