"""Effective receptive fields of every conv variant; see `inpaint.cli.erf`."""

from inpaint.cli.erf import main

if __name__ == "__main__":
    main()
