"""Small shared helpers."""

from inpaint.utils.atomic import atomic_write

__all__ = ["atomic_write"]
