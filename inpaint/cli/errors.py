"""How the commands end on an error the user can fix: one line on stderr, exit status 2."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def exit_on(*errors: type[BaseException]) -> Iterator[None]:
    """Print ``error: <message>`` and exit with status 2 on any of `errors`."""
    try:
        yield
    except errors as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
