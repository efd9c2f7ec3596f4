"""A visit to a GPU machine in one command; see `inpaint.cli.gpu_plan`."""

import sys
from pathlib import Path

# run from the source tree (PYTHONPATH) on a machine where the package is not installed
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from inpaint.cli.gpu_plan import main  # noqa: E402

if __name__ == "__main__":
    main()
