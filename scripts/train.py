"""Train an inpainting model; see `inpaint.cli.train` (same as the `inpaint-train` command)."""

from inpaint.cli.train import main

if __name__ == "__main__":
    main()
