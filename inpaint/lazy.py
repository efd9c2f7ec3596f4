"""Package attributes imported on first use, so that command-line help and argument errors come
back before torch and Lightning are loaded."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any


def lazy_attributes(package: str, sources: dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` (PEP 562) for `package`: ``name`` is imported from its
    submodule ``sources[name]`` the first time it is asked for."""

    def attribute(name: str) -> Any:
        if name not in sources:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(import_module(f"{package}.{sources[name]}"), name)

    return attribute
