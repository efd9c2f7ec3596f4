"""Inpaint one image or a folder; see `inpaint.cli.predict` (same as `inpaint-predict`)."""

from inpaint.cli.predict import main

if __name__ == "__main__":
    main()
