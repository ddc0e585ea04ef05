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

import html
import logging
import math
import re
from collections import Counter
from typing import Collection, Mapping

import pandas as pd
import plotly.graph_objects as go

from .charts import PALETTE, add_source
from .corpus import Corpus
from .errors import PresslensError
from .text import count_words, fold, sentence_spans, words

log = logging.getLogger(__name__)

#: English function words (and contraction pieces) left out of framing terms and of content-word overlap.
#: Reporting verbs ("said", "told") are kept on purpose: how often a source attributes is part of its framing.
STOPWORDS: frozenset[str] = frozenset(
    """
    a about above after again against ago all almost along already also although always am among an and another any
    anyone anything are aren around as at away back be became because become becomes been before being below between
    beyond both but by can cannot could couldn did didn do does doesn doing don done down during each either else
    enough even ever every few for from further get gets got had hadn has hasn have haven having he her here hers
    herself him himself his how however i if in into is isn it its itself just least less let like ll made make
    many may me might more most much must mustn my myself neither never no nor not now of off often on once one only
    onto or other others otherwise our ours ourselves out over own per perhaps put quite rather re really s same
    shall she should shouldn since so some something still such t than that the their theirs them themselves then
    there these they this those though through thus to too toward towards under until up upon us ve very via was
    wasn we well were weren what whatever when whenever where whether which while who whoever whom whose why will
    with within without won would wouldn yet you your yours yourself yourselves d m o y ain also etc
    """.split()
)

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
    for start, end in sentence_spans(text) or [(0, len(text))]:
        run: list[str] = []
        for token in words(text[start:end]):
            word = _term_word(token)
            if not word:
                _flush(run, grams, ngram_max)
                run = []
                continue
            out.append(word)
            run.append(word)
        _flush(run, grams, ngram_max)
    return out + grams


def _flush(run: list[str], grams: list[str], ngram_max: int) -> None:
    for n in range(2, ngram_max + 1):
        grams.extend(" ".join(run[i : i + n]) for i in range(len(run) - n + 1))


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
        FramingError: fewer than two documents have any content words.
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
    """:func:`framing_terms` on plain texts keyed by document id."""
    if prior_scale <= 0:
        raise FramingError(f"prior_scale must be > 0 (got {prior_scale})")
    counts = {doc_id: Counter(terms(text, ngram_max=ngram_max)) for doc_id, text in sorted(texts.items())}
    counts = {doc_id: c for doc_id, c in counts.items() if c}
    if len(counts) < 2:
        raise FramingError(f"framing compares documents: {len(counts)} of {len(texts)} have content words, at least 2 needed")
    total: Counter[str] = Counter()
    for c in counts.values():
        total.update(c)
    prior = {term: prior_scale * n for term, n in total.items()}
    frames = []
    exclude = exclude or {}
    for doc_id, own in counts.items():
        rest = total - own
        for other in sorted(set(exclude.get(doc_id, ())) - {doc_id}):
            rest -= counts.get(other, Counter())
        if not rest:
            log.warning("framing: nothing left to compare %s with after exclusions; skipped", doc_id)
            continue
        scored = log_odds_dirichlet(own, rest, prior=prior)
        scored = scored[scored["n"] >= min_count].copy()
        n_words = count_words(texts[doc_id])
        scored.insert(0, "doc_id", doc_id)
        scored["per_1k"] = scored["n"] * 1000.0 / max(n_words, 1)
        frames.append(scored)
    if not frames:
        raise FramingError("framing: every document was excluded from its own comparison")
    frame = pd.concat(frames, ignore_index=True)[TERM_COLUMNS]
    for column in ("per_1k", "log_odds", "se", "z"):
        frame[column] = frame[column].round(4)
    log.info("framing: %d terms over %d documents", len(frame), len(counts))
    return frame.sort_values(["doc_id", "z", "term"], ascending=[True, False, True], ignore_index=True)


def top_terms(frame: pd.DataFrame, *, n: int = 10, min_z: float = 1.96) -> pd.DataFrame:
    """The ``n`` most distinctive terms of each document with ``z >= min_z`` (1.96: two-sided 5 % level, uncorrected).

    Returns ``doc_id, rank, term, n, n_rest, z``.
    """
    kept = frame[frame["z"] >= min_z].sort_values(["doc_id", "z", "term"], ascending=[True, False, True])
    kept = kept.groupby("doc_id", sort=True).head(n).copy()
    kept["rank"] = kept.groupby("doc_id").cumcount() + 1
    return kept[["doc_id", "rank", "term", "n", "n_rest", "z"]].reset_index(drop=True)


def framing_chart(
    frame: pd.DataFrame,
    *,
    labels: Mapping[str, str] | None = None,
    top: int = 8,
    source: str,
    max_panels: int | None = None,
    max_points: int | None = 1500,
    what: str = "documents",
) -> go.Figure:
    """One row per document: each term's uses in that document (log scale) against its z-score.

    Like scattertext's and Monroe et al.'s plots, for several sources at once:
    terms above the dashed line (z = 1.96) are typical of the row's document
    compared with the others. The ``top`` terms by z are numbered on the plot
    and listed beside it (terms often share a point, so names on the points
    would overprint).

    Args:
        frame: :func:`framing_terms` output.
        labels: doc_id -> chart name (``Document.label``); defaults to the doc_id.
        top: numbered terms per document.
        source: the note under the chart.
        max_panels: above this many documents (or outlets), only the ones with the most terms
            at z >= 1.96 get a panel, as the title says.
        max_points: grey (unnumbered) terms drawn per panel at most, the most used ones; ``None`` draws all.
        what: what one panel is, for that note ("documents", "outlets").
    """
    from plotly.subplots import make_subplots

    labels = dict(labels or {})
    doc_ids = sorted(frame["doc_id"].unique())
    if not doc_ids:
        raise FramingError("framing chart: no terms to draw")
    note = ""
    if max_panels is not None and len(doc_ids) > max_panels:
        typical = frame[frame["z"] >= 1.96].groupby("doc_id").size().reindex(doc_ids, fill_value=0)
        chosen = sorted(doc_ids, key=lambda d: (-int(typical[d]), d))[:max_panels]
        note = f"<br><sup>the {max_panels} of {len(doc_ids):,} {_safe(what)} with the most typical terms (z >= 1.96)</sup>"
        doc_ids = sorted(chosen)
        frame = frame[frame["doc_id"].isin(doc_ids)]
    titles = [_safe(labels.get(d, d)) for d in doc_ids]
    fig = make_subplots(rows=len(doc_ids), cols=1, subplot_titles=titles, vertical_spacing=0.35 / len(doc_ids))
    thinned = 0
    for index, doc_id in enumerate(doc_ids):
        row = index + 1
        sub = frame[frame["doc_id"] == doc_id]
        colour = PALETTE[index % len(PALETTE)]
        marked = sub.sort_values(["z", "term"], ascending=[False, True]).head(top)
        rest = sub.drop(index=marked.index)
        if max_points is not None and len(rest) > max_points:
            thinned += 1
            rest = rest.sort_values(["n", "z", "term"], ascending=[False, False, True], kind="stable").head(max_points)
        fig.add_scatter(
            x=rest["n"], y=rest["z"], mode="markers", row=row, col=1, showlegend=False,
            marker={"size": 5, "color": "#c4c4c4"}, text=[_safe(t) for t in rest["term"]],
            hovertemplate="%{text}<br>%{x} uses · z = %{y:.2f}<extra></extra>",
        )
        ranks = [str(k) for k in range(1, len(marked) + 1)]
        fig.add_scatter(
            x=marked["n"], y=marked["z"], mode="markers+text", row=row, col=1, showlegend=False,
            marker={"size": 8, "color": colour}, text=ranks, textposition="middle right",
            textfont={"size": 10, "color": colour}, customdata=[_safe(t) for t in marked["term"]],
            hovertemplate="%{customdata}<br>%{x} uses · z = %{y:.2f}<extra></extra>",
        )
        fig.add_hline(y=1.96, line={"dash": "dash", "color": "#888", "width": 1}, row=row, col=1)
        fig.update_xaxes(type="log", title_text="uses in this document (log scale)", domain=[0, 0.66], row=row, col=1)
        fig.update_yaxes(title_text="z", row=row, col=1)
        listing = "<br>".join(
            f"{k}. {_safe(t)} ({n} uses, z {z:.1f})" for k, (t, n, z) in enumerate(zip(marked["term"], marked["n"], marked["z"]), start=1)
        )
        axis = "" if row == 1 else str(row)
        fig.add_annotation(
            text=listing or "(no terms)", xref="paper", yref=f"y{axis} domain", x=0.7, y=1.0, xanchor="left", yanchor="top",
            showarrow=False, align="left", font={"size": 11, "color": colour},
        )
    if thinned:
        note += f"<br><sup>grey: at most the {max_points:,} most used other terms per panel ({thinned} panels thinned); every term is in the terms table</sup>"
    for annotation in fig.layout.annotations[: len(doc_ids)]:
        annotation.update(x=0.33)  # subplot titles over the narrowed plots
    fig.update_layout(
        title="Distinctive words and phrases of each source against the others (log-odds, informative Dirichlet prior)" + note,
        height=300 * len(doc_ids) + 120, showlegend=False,
    )
    return add_source(fig, source)


def _safe(text: object) -> str:
    """Plotly titles accept a little HTML; document-derived labels must not bring their own."""
    return html.escape(str(text), quote=False)


__all__ = [
    "STOPWORDS", "FramingError", "content_words", "framing_chart", "framing_terms", "framing_terms_from_texts",
    "log_odds_dirichlet", "terms", "top_terms",
]
