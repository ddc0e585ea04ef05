"""The settings of a source comparison and its error."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from ..errors import PresslensError


class ReuseError(PresslensError):
    """Bad options or inputs for source comparison (unknown document, out-of-range threshold...)."""


@dataclass(frozen=True)
class ReuseOptions:
    """Settings of an alignment (hashable: it is part of the cache key).

    Attributes:
        threshold: sentence score (0-100) from which a sentence counts as shared.
        min_words: sentences with fewer words are ignored ("2.", "He said so.").
        paraphrase_min_phrases: two-word phrases a sentence must share with one sentence of the other document to count as paraphrased.
        max_gap: sentences either document may skip inside one passage.
        method: ``auto`` (exact below ``lsh_min_documents`` documents, LSH from there), ``exact`` or ``lsh``.
        lsh_min_documents: corpus size from which ``auto`` uses LSH candidates.
        lsh_threshold: estimated Jaccard similarity of two sentences' word pairs for LSH to pair them.
        max_bucket_documents: an LSH band bucket holding more documents than this proposes no candidate
            pairs (boilerplate and stock sentences, in too many documents to say who copies whom); ``None``: no cap.
            Documents that really share text are still paired by their other sentences.
        num_perm: MinHash permutations.
        seed: MinHash seed (fixed: same candidates on every run).
    """

    threshold: float = 80.0
    min_words: int = 4
    paraphrase_min_phrases: int = 4
    max_gap: int = 1
    method: str = "auto"
    lsh_min_documents: int = 50
    lsh_threshold: float = 0.4
    max_bucket_documents: int | None = 100
    num_perm: int = 64
    seed: int = 1

    def __post_init__(self) -> None:
        if not 0 < self.threshold <= 100:
            raise ReuseError(f"threshold must be in (0, 100], got {self.threshold}")
        if self.paraphrase_min_phrases < 1:
            raise ReuseError(f"paraphrase_min_phrases must be >= 1, got {self.paraphrase_min_phrases}")
        if self.method not in ("auto", "exact", "lsh"):
            raise ReuseError(f"method must be 'auto', 'exact' or 'lsh', got {self.method!r}")
        if self.min_words < 1 or self.max_gap < 0 or self.num_perm < 16 or not 0 < self.lsh_threshold < 1:
            raise ReuseError(
                f"bad options: min_words={self.min_words} (>= 1), max_gap={self.max_gap} (>= 0), "
                f"num_perm={self.num_perm} (>= 16), lsh_threshold={self.lsh_threshold} (0-1)"
            )
        cap = self.max_bucket_documents
        if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int) or cap < 2):
            raise ReuseError(f"max_bucket_documents must be an integer >= 2 or None, got {cap!r}")


def _options(options: Mapping[str, Any]) -> ReuseOptions:
    known = set(ReuseOptions.__dataclass_fields__)
    unknown = sorted(set(options) - known)
    if unknown:
        raise ReuseError(f"unknown reuse option(s) {unknown}; known: {sorted(known)}")
    return ReuseOptions(**options)
