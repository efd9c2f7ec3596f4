"""Per-layer summary of the generator; see `inpaint.cli.inspect` (same as `inpaint-inspect`).

Not named ``inspect.py``: Python puts a script's folder first on ``sys.path``, so a
``scripts/inspect.py`` would shadow the standard library's ``inspect`` (which torch imports)
for every script in this folder.
"""

from inpaint.cli.inspect import main

if __name__ == "__main__":
    main()
