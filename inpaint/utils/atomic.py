"""Write files so that readers see the old content or the new, never a half-written file."""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


class DiskFullError(OSError):
    """No space was left on the device for a file; whatever was at its path is unchanged."""

    def __init__(self, message: str) -> None:
        super().__init__(errno.ENOSPC, message)

    def __str__(self) -> str:
        return self.strerror


def _disk_full(target: Path, temporary: Path) -> DiskFullError:
    written = temporary.stat().st_size if temporary.exists() else 0
    free = shutil.disk_usage(target.parent).free
    kept = "the previous file is unchanged" if target.exists() else "nothing was written"
    return DiskFullError(
        f"no space left on the device for {target}: it needs more than the "
        f"{written / 1e6:,.1f} MB written before the disk filled ({free / 1e6:,.0f} MB free); "
        f"{kept}"
    )


@contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "wb") -> Iterator[IO]:
    """Open ``<path>.<pid>.tmp`` in `path`'s directory; on a clean exit flush it to disk and
    rename it over `path` (atomic within one directory); on an error remove it. A full disk
    (ENOSPC, while writing or flushing) is a DiskFullError naming the path."""
    if "w" not in mode:
        raise ValueError(f"atomic_write needs a write mode, got {mode!r}")
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, mode) as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except OSError as error:
        if error.errno != errno.ENOSPC or isinstance(error, DiskFullError):
            raise
        raise _disk_full(target, temporary) from error
    finally:
        temporary.unlink(missing_ok=True)
