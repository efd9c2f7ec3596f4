"""Evaluate pretrained models against OpenCV; see `inpaint.cli.evaluate` (`inpaint-evaluate`)."""

from inpaint.cli.evaluate import main

if __name__ == "__main__":
    main()
