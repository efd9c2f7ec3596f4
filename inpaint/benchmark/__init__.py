"""Benchmarks: what every conv variant, every upsampler, the training step, inference and mask
generation cost, measured in one process with interleaved rounds.

Modules: ``timing`` (interleaved medians, paired ratios), ``memory`` (peak memory on CPU and
CUDA), ``machine`` (what ran it), ``configs`` and ``inputs`` (what is measured),
``layer_timing`` (one layer alone, eager and compiled, against a reference layer), one module
per section (``convs``, ``upsampling``, ``training``, ``inference``, ``masks``),
``profiling``, ``targets`` (PASS / MISS), ``report`` (markdown), ``settings`` (full and
``--quick`` runs) and ``command`` (``scripts/benchmark.py``).
"""

from inpaint.benchmark.command import main, run_benchmark

__all__ = ["main", "run_benchmark"]
