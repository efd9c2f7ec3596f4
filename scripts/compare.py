"""Compare the runs of a sweep; see `inpaint.cli.compare` (same as ``inpaint-compare``)."""

from inpaint.cli.compare import main

if __name__ == "__main__":
    main()
