"""One prepared command for a short visit to a GPU machine: checks, benchmarks, training of
the candidate default models and the variant study, their evaluation, and the results packed
into a few files (``scripts/gpu_plan.py``)."""
