"""Thresholds of :func:`presslens.reuse.classify_reuse`, fitted on labelled development data (data, not code).

Written by ``benchmarks/fit_reuse.py`` (run it again to refit; never edit by hand).
"""

FITTED = {"wholly_min": 0.5, "partial_min": 0.1}
