"""Thresholds of :func:`presslens.reuse.classify_reuse`, fitted on labelled development data (data, not code).

Written by ``benchmarks/fit_reuse.py --write`` (run it again to refit; never edit by hand): a grid over
``baseline_quantile``, ``wholly_min``, ``partial_min`` and ``partial_min_shingles`` maximising the 3-way macro-F1 (wholly / partially / non-derived) on
Clough & Stevenson g0-g2 (60 answer-source pairs, one corpus per task) and the real news pairs of odd-numbered stories (112 pairs), ties broken by derived-vs-non-derived F1 and the middle of the best plateau.
Development figures reached: 3-way macro-F1 0.833, derived-vs-non-derived F1 0.934.
"""

FITTED = {'wholly_min': 0.45, 'partial_min': 0.025, 'partial_min_shingles': 15, 'baseline_quantile': 0.5}
