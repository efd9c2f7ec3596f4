"""Resuming restores the run's own config; the command line may change how it goes on, not
what it trains.

Every checkpoint carries the config it was trained with and the command-line overrides that
composed it (`RunConfigInCheckpoint`; checkpoints without them fall back to the run folder's
``.hydra/config.yaml`` and ``overrides.yaml``). A resumed run takes that saved config and
applies what this command line changes: the difference between the saved overrides composed
alone and composed together with this command line's (later ones win), so that a setting
the command line does not touch keeps its saved value even if the packaged configs have
changed since. ``paths`` and ``ckpt_path`` come from this command line. A change of the
architecture (`ARCHITECTURE_KEYS`) is an error naming every differing key. The config a
resumed attempt runs with replaces the one Hydra composed from its command line in the
attempt's record (``.hydra/resume-<time>/config.yaml``, see ``configs/hydra/default.yaml``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lightning as L
from hydra.core.hydra_config import HydraConfig
from hydra.core.override_parser.overrides_parser import OverridesParser
from omegaconf import DictConfig, OmegaConf

from inpaint.utils import ConfigError, atomic_write, compose_train_config

log = logging.getLogger(__name__)

CHECKPOINT_KEY = "run_config"
# config keys that decide the weights' shapes and meaning; fixed for the life of a run
ARCHITECTURE_KEYS = (
    "model.generator",
    "model.block",
    "model.upsample",
    "model.discriminator",
    "model.init_from",
    "model.init_strict",
)
# taken from this command line, not from the saved config
CURRENT_KEYS = ("paths", "ckpt_path", "hydra")


class _Absent:
    """A key a config does not have."""

    def __repr__(self) -> str:
        return "absent"


_ABSENT = _Absent()


@dataclass
class SavedRun:
    """The config a checkpoint was trained with and the overrides that composed it."""

    config: dict[str, Any]
    overrides: list[str]
    source: str


def command_line_overrides() -> list[str]:
    """This run's command-line overrides (Hydra's ``overrides.task``) other than
    ``ckpt_path``."""
    if not HydraConfig.initialized():
        return []
    overrides = list(HydraConfig.get().overrides.task)
    return [o for o in overrides if _key(o) != "ckpt_path"]


class RunConfigInCheckpoint(L.Callback):
    """Stores the run's config (unresolved, as Hydra saves it) and overrides in every
    checkpoint under ``checkpoint["run_config"]``, as plain containers, so the checkpoint
    still loads with ``torch.load(weights_only=True)``."""

    def __init__(self, cfg: DictConfig, overrides: list[str]) -> None:
        config = OmegaConf.to_container(cfg, resolve=False)
        config.pop("hydra", None)
        self.saved = {"config": config, "overrides": list(overrides)}

    def on_save_checkpoint(self, trainer, pl_module, checkpoint: dict[str, Any]) -> None:
        checkpoint[CHECKPOINT_KEY] = self.saved


def saved_run(checkpoint: dict[str, Any], path: Path) -> SavedRun | None:
    """The run config stored in `checkpoint` (read from `path`), else the one Hydra saved in
    the run folder that holds it (``<run>/checkpoints/<file>``); None when neither exists."""
    stored = checkpoint.get(CHECKPOINT_KEY)
    if stored is not None:
        return SavedRun(stored["config"], list(stored["overrides"]), str(path))
    record = path.parent.parent / ".hydra"
    if not (record / "config.yaml").is_file():
        return None
    config = OmegaConf.to_container(OmegaConf.load(record / "config.yaml"), resolve=False)
    overrides_file = record / "overrides.yaml"
    overrides = list(OmegaConf.load(overrides_file)) if overrides_file.is_file() else []
    overrides = [o for o in overrides if _key(o) != "ckpt_path"]
    return SavedRun(config, overrides, str(record / "config.yaml"))


def _key(override: str) -> str:
    (parsed,) = OverridesParser.create().parse_overrides([override])
    return parsed.key_or_group + (f"@{parsed.package}" if parsed.package is not None else "")


def merged_overrides(saved: list[str], given: list[str]) -> list[str]:
    """`saved` without the keys and groups that `given` sets again, then `given`."""
    given_keys = {_key(o) for o in given}
    return [o for o in saved if _key(o) not in given_keys] + list(given)


def _differences(before: Any, after: Any, path: tuple[str, ...] = ()) -> dict[tuple, tuple]:
    """``{key path: (before, after)}`` for every value that differs; a config node whose
    ``_target_`` differs (another class) counts as one value."""
    both_nodes = isinstance(before, dict) and isinstance(after, dict)
    if both_nodes and before.get("_target_") == after.get("_target_"):
        differences = {}
        for key in [*before, *(k for k in after if k not in before)]:
            differences.update(
                _differences(before.get(key, _ABSENT), after.get(key, _ABSENT), (*path, key))
            )
        return differences
    return {} if before == after else {path: (before, after)}


def _set(config: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        if not isinstance(config.get(key), dict):
            config[key] = {}
        config = config[key]
    if value is _ABSENT:
        config.pop(path[-1], None)
    else:
        config[path[-1]] = value


def _select(config: dict[str, Any], dotted: str) -> Any:
    for key in dotted.split("."):
        if not isinstance(config, dict) or key not in config:
            return _ABSENT
        config = config[key]
    return config


def _compose(overrides: list[str], whose: str) -> dict[str, Any]:
    try:
        return OmegaConf.to_container(compose_train_config(overrides), resolve=False)
    except ConfigError as error:
        raise ConfigError(
            f"{whose} overrides {overrides} do not compose with these configs: "
            f"{error.__cause__ or error}"
        ) from error


def resumed_config(cfg: DictConfig, saved: SavedRun) -> tuple[DictConfig, list[str]]:
    """The config to resume with, and the overrides that compose it (stored in its
    checkpoints for the next resume).

    Raises:
        ConfigError: this command line changes the architecture (each key named with its
            saved and given value), or the overrides do not compose.
    """
    given = command_line_overrides()
    overrides = merged_overrides(saved.overrides, given)
    changes = _differences(
        _compose(saved.overrides, f"the saved run's ({saved.source})"),
        _compose(overrides, "the saved run's and this command line's"),
    )
    config = OmegaConf.to_container(OmegaConf.create(saved.config), resolve=False)
    for path, (_, value) in changes.items():
        _set(config, path, value)
    current = OmegaConf.to_container(cfg, resolve=False)
    for key in CURRENT_KEYS:
        _set(config, (key,), current.get(key, _ABSENT))

    conflicts = [
        f"{'.'.join(path)} (saved {old!r}, given {new!r})"
        for key in ARCHITECTURE_KEYS
        for path, (old, new) in _differences(
            _select(saved.config, key), _select(config, key), tuple(key.split("."))
        ).items()
    ]
    if conflicts:
        raise ConfigError(
            f"ckpt_path={cfg.ckpt_path}: resuming cannot change the architecture the "
            f"checkpoint was trained with: {'; '.join(conflicts)}. Drop those overrides (the "
            f"saved config {saved.source} sets them), or start a new run "
            "(model.init_from takes an exported generator)"
        )
    changed = sorted(".".join(p) for p in changes if p[0] not in CURRENT_KEYS)
    log.info(
        "resuming with the saved config of %s%s",
        saved.source,
        f"; changed by this command line: {', '.join(changed)}" if changed else "",
    )
    resumed = OmegaConf.create(config)
    OmegaConf.set_struct(resumed, True)
    return resumed, overrides


def record_config(cfg: DictConfig) -> None:
    """Writes `cfg` as this attempt's ``config.yaml`` in Hydra's record of it
    (``<run>/<hydra.output_subdir>``), when Hydra keeps one."""
    if not HydraConfig.initialized():
        return
    hydra = HydraConfig.get()
    if OmegaConf.is_missing(hydra.runtime, "output_dir") or hydra.output_subdir is None:
        return
    config = OmegaConf.to_container(cfg, resolve=False)
    config.pop("hydra", None)
    with atomic_write(
        Path(hydra.runtime.output_dir) / hydra.output_subdir / "config.yaml", "w"
    ) as f:
        OmegaConf.save(OmegaConf.create(config), f)
