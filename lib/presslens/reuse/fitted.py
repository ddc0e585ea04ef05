"""Thresholds of :func:`presslens.reuse.classify_reuse`, fitted on labelled development data (data, not code).

Written by ``benchmarks/fit_reuse.py --write`` (run it again to refit; never edit by hand): a grid over
``baseline_quantile``, ``wholly_min``, ``partial_min`` and ``partial_min_shingles`` maximising the 3-way macro-F1 (wholly / partially / non-derived) on
Clough & Stevenson g0-g2 (60 answer-source pairs, one corpus per task) and the real news pairs of odd-numbered stories (315 pairs), ties broken by derived-vs-non-derived F1 and the middle of the best plateau, among the points that keep the
seeds' relations right.
Development figures reached: 3-way macro-F1 0.854, derived-vs-non-derived F1 0.934.
"""

FITTED = {'wholly_min': 0.55, 'partial_min': 0.045, 'partial_min_shingles': 15, 'baseline_quantile': 0.5}
