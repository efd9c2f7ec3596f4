"""The optional ``onnx`` extra (ONNX export and the onnxruntime backend), checked without
importing torch or the extra's packages."""

from __future__ import annotations

from importlib.util import find_spec

#: what installs the extra, named in the error when a package of it is missing
INSTALL_HINT = 'pip install -e ".[onnx]"'


class OnnxExtraMissingError(ImportError):
    """A package of the ``onnx`` extra is not installed."""


def require_onnx_extra(*packages: str) -> None:
    """Raise `OnnxExtraMissingError` naming those of `packages` (module names such as
    ``onnxruntime``) that are not installed, and how to install them."""
    missing = [package for package in packages if find_spec(package) is None]
    if missing:
        raise OnnxExtraMissingError(
            f"{', '.join(missing)} not installed (the onnx extra): {INSTALL_HINT}"
        )
