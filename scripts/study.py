"""Train the variant study; see `inpaint.cli.study` (same as ``inpaint-study``)."""

from inpaint.cli.study import main

if __name__ == "__main__":
    main()
