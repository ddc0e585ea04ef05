"""Stable import path of text-page segmentation: the code lives in :mod:`presslens.ingest.segment`
(the rules), :mod:`presslens.ingest.rules` (their patterns) and :mod:`presslens.ingest.comments`
(comment sections).

Kept for notebooks, tests, benchmarks and users; the names are the same objects.
"""

from .ingest.comments import Comment
from .ingest.rules import LINE_RULES
from .ingest.segment import BODY_KINDS, KEPT_KINDS, Overrides, Segment, Segmentation, segment_page

__all__ = ["BODY_KINDS", "KEPT_KINDS", "LINE_RULES", "Comment", "Overrides", "Segment", "Segmentation", "segment_page"]
