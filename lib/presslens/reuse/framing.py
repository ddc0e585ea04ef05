"""Framing: the words and phrases that set one source apart from the others.

Each document's body is compared with all the other bodies pooled, term by
term, with the log-odds ratio under an informative Dirichlet prior (Monroe,
Colaresi and Quinn 2008, "Fightin' Words: Lexical Feature Selection and
Evaluation for Identifying the Content of Political Conflict", *Political
Analysis* 16(4), eq. 22). The prior is the corpus's own word distribution, so a
term's score is shrunk towards "no difference" unless there is enough evidence;
dividing by the estimate's standard error gives a z-score that does not favour
rare words (as raw log-odds do) or frequent ones (as raw counts do).

Terms are words and two-word phrases of a body with stopwords removed. The
stopword list is our own (NLTK's stopword data is not available offline).
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from itertools import groupby
from typing import Collection, Mapping

import numpy as np
import pandas as pd

from ..ingest.corpus import Corpus
from ..errors import PresslensError
from ..text import count_words, fold, sentence_spans, words
from .words import STOPWORDS

log = logging.getLogger(__name__)

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})
_POSSESSIVE = re.compile(r"'s?$")
_HAS_LETTER = re.compile(r"[^\W\d_]")

TERM_COLUMNS = ["doc_id", "term", "n", "n_rest", "per_1k", "log_odds", "se", "z"]


class FramingError(PresslensError):
    """Framing needs at least two documents with words to compare."""


def terms(text: str, *, ngram_max: int = 2) -> list[str]:
    """The framing terms of a text: content words and phrases of up to ``ngram_max`` adjacent content words.

    Words are case-folded, possessives dropped ("Iran’s" counts as "iran"),
    numbers and stopwords left out. Phrases never cross a sentence boundary or a
    stopword, so "revolutionary guard" is a phrase but "guard of iran" is not.

    >>> terms("The Revolutionary Guard’s Quds Force moved.")
    ['revolutionary', 'guard', 'quds', 'force', 'moved', 'revolutionary guard', 'guard quds', 'quds force', 'force moved']
    """
    out: list[str] = []
    grams: list[str] = []
    known: dict[str, str] = {}  # token -> term word ("" for none): a long text repeats its words, each read once
    for start, end in sentence_spans(text) or [(0, len(text))]:
        tokens = words(text[start:end])
        for token in set(tokens).difference(known):
            known[token] = _term_word(token)
        mapped = list(map(known.__getitem__, tokens))
        out.extend(filter(None, mapped))
        if ngram_max == 2:  # the pairs of adjacent content words: each run's phrases, run after run
            grams.extend([f"{a} {b}" for a, b in zip(mapped, mapped[1:]) if a and b])
        elif ngram_max > 2:
            for is_word, run in groupby(mapped, key=bool):  # runs of content words between stopwords
                if is_word:
                    _flush(list(run), grams, ngram_max)
    return out + grams


def _flush(run: list[str], grams: list[str], ngram_max: int) -> None:
    for n in range(2, min(ngram_max, len(run)) + 1):  # the n-grams of the run, in order
        grams.extend(map(" ".join, zip(*(run[k:] for k in range(n)))))


def content_words(text: str) -> set[str]:
    """The set of content words of a text (as :func:`terms` finds them, no phrases).

    >>> sorted(content_words("Iran’s grip on Iraq"))
    ['grip', 'iran', 'iraq']
    """
    return {w for w in map(_term_word, words(text)) if w}


def _term_word(token: str) -> str:
    """A word token as a framing term ("Iran’s" -> "iran"), or "" for stopwords, numbers and single letters."""
    word = _POSSESSIVE.sub("", fold(token).translate(_APOSTROPHES))
    if len(word) < 2 or word in STOPWORDS or not _HAS_LETTER.search(word):
        return ""
    return word


def log_odds_dirichlet(
    counts: Mapping[str, int], other: Mapping[str, int], *, prior: Mapping[str, float]
) -> pd.DataFrame:
    """Log-odds ratio of every term between two groups, with an informative Dirichlet prior.

    Following Monroe, Colaresi and Quinn (2008), eq. 22:
    ``delta = log((y_i + a) / (n_i + a0 - y_i - a)) - log((y_j + a) / (n_j + a0 - y_j - a))``,
    ``var ~ 1 / (y_i + a) + 1 / (y_j + a)``, ``z = delta / sqrt(var)``,
    where ``a`` is the term's prior pseudo-count and ``a0`` their sum.

    Args:
        counts: term counts of the group of interest (``y_i``).
        other: term counts of the group it is compared with (``y_j``).
        prior: pseudo-count per term (``alpha_w``); every counted term needs one > 0.

    Returns:
        One row per term: ``term, n, n_rest, log_odds, se, z``; positive ``z`` means
        the term is more typical of ``counts``.

    Raises:
        FramingError: a term has no positive prior, or a group is empty.

    >>> f = log_odds_dirichlet({"cables": 3}, {"cables": 1, "forum": 4}, prior={"cables": 0.4, "forum": 0.4})
    >>> z = f.set_index("term")["z"]
    >>> bool(z["cables"] > 0 > z["forum"])
    True
    """
    vocabulary = sorted(set(counts) | set(other))
    missing = [t for t in vocabulary if prior.get(t, 0) <= 0]
    if missing:
        raise FramingError(f"log-odds prior: {len(missing)} terms have no positive pseudo-count (first: {missing[0]!r})")
    n_i, n_j = sum(counts.values()), sum(other.values())
    if n_i == 0 or n_j == 0:
        raise FramingError(f"log-odds: both groups need terms (found {n_i} and {n_j})")
    a0 = sum(prior[t] for t in vocabulary)
    rows = []
    for term in vocabulary:
        y_i, y_j, a = counts.get(term, 0), other.get(term, 0), prior[term]
        delta = math.log((y_i + a) / (n_i + a0 - y_i - a)) - math.log((y_j + a) / (n_j + a0 - y_j - a))
        se = math.sqrt(1.0 / (y_i + a) + 1.0 / (y_j + a))
        rows.append((term, y_i, y_j, delta, se, delta / se))
    return pd.DataFrame(rows, columns=["term", "n", "n_rest", "log_odds", "se", "z"])


def framing_terms(
    corpus: Corpus,
    *,
    ngram_max: int = 2,
    prior_scale: float = 0.1,
    min_count: int = 2,
    exclude: Mapping[str, Collection[str]] | None = None,
) -> pd.DataFrame:
    """Distinctive terms of each document's body against all the other bodies.

    The prior pseudo-count of a term is ``prior_scale`` times its count in the
    whole corpus, the "informative" prior of Monroe et al. With ``0.1`` the
    prior weighs a tenth of the data: a word seen twice in one short document
    does not top the list, while a term used eight times in one source and
    rarely elsewhere reaches z of about 2 to 4. (A much larger prior shrinks
    every z towards 0; a much smaller one inflates the variance of terms
    missing from the rest, which also lowers their z.)

    Args:
        corpus: the documents (bodies only; reader comments are not the outlet's framing).
        ngram_max: longest phrase, in words.
        prior_scale: weight of the corpus-wide prior, relative to the corpus counts.
        min_count: terms used fewer times in a document are not listed for it.
        exclude: doc_id -> documents left out of its "rest" (its reprints: a
            copy of a source's words in the rest hides what is typical of it).

    Returns:
        ``doc_id, term, n, n_rest, per_1k, log_odds, se, z`` sorted by document, then
        ``z`` descending, then term. ``per_1k`` is uses per 1,000 words of the body.

    Raises:
        FramingError: fewer than two documents have any content words, or every
            document's rest is empty after ``exclude`` (:func:`framing_comparison` returns the reason instead).
    """
    bodies = {doc.doc_id: doc.body for doc in corpus}
    return framing_terms_from_texts(
        bodies, ngram_max=ngram_max, prior_scale=prior_scale, min_count=min_count, exclude=exclude
    )


def framing_terms_from_texts(
    texts: Mapping[str, str],
    *,
    ngram_max: int = 2,
    prior_scale: float = 0.1,
    min_count: int = 2,
    exclude: Mapping[str, Collection[str]] | None = None,
) -> pd.DataFrame:
    """:func:`framing_terms` on plain texts keyed by document id.

    Raises:
        FramingError: ``prior_scale <= 0``; fewer than two texts have content words;
            every text's "rest" is empty once its ``exclude`` documents are left out.
            (:func:`framing_comparison` says so in a sentence instead.)
    """
    frame, why, _ = _framing(texts, ngram_max=ngram_max, prior_scale=prior_scale, min_count=min_count, exclude=exclude)
    if frame is None:
        raise FramingError(f"framing: {why}")
    return frame


def framing_comparison(
    texts: Mapping[str, str],
    *,
    units: str = "documents",
    ngram_max: int = 2,
    prior_scale: float = 0.1,
    min_count: int = 2,
    exclude: Mapping[str, Collection[str]] | None = None,
    labels: Mapping[str, str] | None = None,
) -> tuple[pd.DataFrame, str]:
    """:func:`framing_terms_from_texts` for a report: ``(terms, why)``, never an error for what the corpus is.

    ``terms`` is empty (with :data:`TERM_COLUMNS`) when there is nothing to compare,
    and ``why`` is then the reason as a sentence ("there is only one document with
    words in it", "all 3 documents are reprints of one another: ..."); when terms
    were found, ``why`` names the texts left out (every other text reprints them)
    or is ``""``. ``units`` names what the texts are ("documents", "outlets"),
    ``labels`` (id -> name) how the left-out ones are named.

    Raises:
        FramingError: only for a bad setting (``prior_scale <= 0``).

    >>> framing_comparison({"a": "Tehran cables leaked.", "b": "Tehran cables leaked."}, exclude={"a": ["b"], "b": ["a"]})[1]
    'all 2 documents are reprints of one another: none has a text of its own kind left to be compared with'
    """
    frame, why, skipped = _framing(texts, ngram_max=ngram_max, prior_scale=prior_scale, min_count=min_count, exclude=exclude, units=units)
    if frame is None:
        return pd.DataFrame(columns=TERM_COLUMNS), why
    if skipped:
        names = [str((labels or {}).get(d, d)) for d in skipped]
        why = (f"{len(skipped):,} of {len(texts):,} {units} left out ({'; '.join(names[:5])}{' and more' if len(names) > 5 else ''}): "
               "each is a reprint of every other one, or every other one of it, so nothing is left to compare it with")
    return frame, why


def _framing(
    texts: Mapping[str, str], *, ngram_max: int, prior_scale: float, min_count: int,
    exclude: Mapping[str, Collection[str]] | None, units: str = "documents",
) -> tuple[pd.DataFrame | None, str, list[str]]:
    """``(terms or None, why there are none, ids skipped because their rest was empty)``.

    Term counts are arrays over the sorted vocabulary of all the texts, so each
    text's rest is the total less its own counts (and its ``exclude``), and only
    the rows kept (``n >= min_count``) are scored, with the arithmetic of
    :func:`log_odds_dirichlet` in its order: the same floats, without scoring
    every term of the corpus for every text.
    """
    if prior_scale <= 0:
        raise FramingError(f"prior_scale must be > 0 (got {prior_scale})")
    counts = {doc_id: Counter(terms(text, ngram_max=ngram_max)) for doc_id, text in sorted(texts.items())}
    counts = {doc_id: c for doc_id, c in counts.items() if c}
    if len(counts) < 2:
        if not texts:
            return None, f"there are no {units}", []
        if len(texts) == 1:
            return None, f"there is only one of the {units}, and nothing to compare it with", []
        return None, f"only {len(counts)} of the {len(texts):,} {units} {'has' if len(counts) == 1 else 'have'} words to compare (at least 2 needed)", []
    vocabulary = sorted(set().union(*counts.values()))
    position = {term: i for i, term in enumerate(vocabulary)}
    ids = {doc_id: np.fromiter(map(position.__getitem__, c), dtype=np.intp, count=len(c)) for doc_id, c in counts.items()}
    uses = {doc_id: np.fromiter(c.values(), dtype=np.int64, count=len(c)) for doc_id, c in counts.items()}
    total = np.zeros(len(vocabulary), dtype=np.int64)
    for doc_id in counts:
        total[ids[doc_id]] += uses[doc_id]  # a document's term ids are distinct
    prior = prior_scale * total.astype(np.float64)  # prior_scale * count, as a float per term
    a0_all = sum(prior.tolist())  # over the sorted vocabulary, as log_odds_dirichlet sums it
    n_total = int(total.sum())
    term_names = pd.Series(vocabulary)
    frames, skipped = [], []
    exclude = exclude or {}
    for doc_id in counts:
        own_ids, own = ids[doc_id], uses[doc_id]
        n_i = int(own.sum())
        others = [other for other in sorted(set(exclude.get(doc_id, ())) - {doc_id}) if other in counts]
        rest = None
        if others:
            rest = total.copy()
            rest[own_ids] -= own
            for other in others:
                rest[ids[other]] -= uses[other]
            n_j = int(rest.sum())
            in_vocabulary = rest > 0
            in_vocabulary[own_ids] = True
            a0 = sum(prior[in_vocabulary].tolist())
        else:
            n_j = n_total - n_i
            in_vocabulary = None
            a0 = a0_all
        if n_j == 0:
            log.info("framing: nothing left to compare %s with after exclusions; skipped", doc_id)
            skipped.append(doc_id)
            continue
        if min_count > 0:  # only terms of the document itself can reach min_count
            keep = own >= min_count
            take, y_i = own_ids[keep], own[keep]
        else:  # every term of the two groups is listed, with 0 uses in the document if need be
            take = np.arange(len(vocabulary)) if in_vocabulary is None else np.flatnonzero(in_vocabulary)
            dense = np.zeros(len(vocabulary), dtype=np.int64)
            dense[own_ids] = own
            y_i = dense[take]
        order = np.argsort(take, kind="stable")
        take, y_i = take[order], y_i[order]
        y_j = rest[take] if rest is not None else total[take] - y_i
        scored = _log_odds_frame(term_names, take, y_i, y_j, prior[take], n_i=n_i, n_j=n_j, a0=a0)
        n_words = count_words(texts[doc_id])
        scored.insert(0, "doc_id", doc_id)
        scored["per_1k"] = scored["n"] * 1000.0 / max(n_words, 1)
        frames.append(scored)
    if not frames:
        return None, (f"all {len(counts):,} {units} are reprints of one another: "
                      "none has a text of its own kind left to be compared with"), skipped
    frame = pd.concat(frames, ignore_index=True)[TERM_COLUMNS]
    for column in ("per_1k", "log_odds", "se", "z"):
        frame[column] = frame[column].round(4)
    log.info("framing: %d terms over %d documents", len(frame), len(counts))
    return frame.sort_values(["doc_id", "z", "term"], ascending=[True, False, True], ignore_index=True), "", skipped


def _log_odds_frame(
    term_names: pd.Series, take: np.ndarray, y_i: np.ndarray, y_j: np.ndarray, a: np.ndarray, *, n_i: int, n_j: int, a0: float,
) -> pd.DataFrame:
    """:func:`log_odds_dirichlet`'s rows for the vocabulary positions ``take`` only (the rows :func:`_framing` keeps).

    The same arithmetic in the same order, term by term with :func:`math.log`,
    so the floats are those :func:`log_odds_dirichlet` computes for these terms.
    """
    delta, se, z = [], [], []
    for yi, yj, ai in zip(y_i.tolist(), y_j.tolist(), a.tolist()):
        d = math.log((yi + ai) / (n_i + a0 - yi - ai)) - math.log((yj + ai) / (n_j + a0 - yj - ai))
        s = math.sqrt(1.0 / (yi + ai) + 1.0 / (yj + ai))
        delta.append(d)
        se.append(s)
        z.append(d / s)
    return pd.DataFrame({
        "term": term_names.iloc[take].reset_index(drop=True), "n": y_i, "n_rest": y_j,
        "log_odds": np.array(delta, dtype=np.float64), "se": np.array(se, dtype=np.float64), "z": np.array(z, dtype=np.float64),
    })


def top_terms(frame: pd.DataFrame, *, n: int = 10, min_z: float = 1.96) -> pd.DataFrame:
    """The ``n`` most distinctive terms of each document with ``z >= min_z`` (1.96: two-sided 5 % level, uncorrected).

    Returns ``doc_id, rank, term, n, n_rest, z``.
    """
    kept = frame[frame["z"] >= min_z].sort_values(["doc_id", "z", "term"], ascending=[True, False, True])
    kept = kept.groupby("doc_id", sort=True).head(n).copy()
    kept["rank"] = kept.groupby("doc_id").cumcount() + 1
    return kept[["doc_id", "rank", "term", "n", "n_rest", "z"]].reset_index(drop=True)


__all__ = [
    "STOPWORDS", "FramingError", "TERM_COLUMNS", "content_words", "framing_comparison", "framing_terms", "framing_terms_from_texts",
    "log_odds_dirichlet", "terms", "top_terms",
]
