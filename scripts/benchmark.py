"""Benchmark conv variants, training, inference and mask generation; see
`inpaint.benchmark.command` (``python scripts/benchmark.py --help``)."""

from inpaint.benchmark.command import main

if __name__ == "__main__":
    main()
