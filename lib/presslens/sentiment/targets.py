"""Entity-targeted sentiment: mentions of terms or codebook entities, and the sentences that carry them."""

from __future__ import annotations

import hashlib
import logging
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager

import numpy as np
import pandas as pd

from ..entities import entity_mentions_table
from ..labels import part_rank
from ..text.vader import scores
from .frames import SentimentError, _ids, _require
from .rollups import rollup
from .words import DEFAULT_CONFIDENCE, DEFAULT_RESAMPLES, DEFAULT_SEED, DEFAULT_TERMS, MASK_WORD, _TERM_NAME

log = logging.getLogger(__name__)

MENTION_COLUMNS = ["doc_id", "part", "comment_id", "entity", "type", "surface", "start", "end"]


def _term_pattern(term: str, *, regex: bool, ignore_case: bool) -> tuple[str, re.Pattern[str]]:
    if not isinstance(term, str) or not term.strip().strip("|"):
        raise SentimentError(f"entity term {term!r} is empty; give e.g. 'Soleimani|Suleimani'")
    name_match = _TERM_NAME.match(term)
    name = name_match.group(1) if name_match else term.strip()
    if regex:
        body = term
    else:
        alternatives = sorted({a.strip() for a in term.split("|") if a.strip()}, key=lambda a: (-len(a), a))
        body = "|".join(re.escape(a) for a in alternatives)
    try:
        pattern = re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE if ignore_case else 0)
    except re.error as exc:
        raise SentimentError(f"entity term {term!r} is not a valid regular expression: {exc}") from None
    if pattern.match(""):
        raise SentimentError(f"entity term {term!r} matches the empty string")
    return name, pattern


def term_mentions(corpus: Iterable, terms: Sequence[str], *, regex: bool = False, ignore_case: bool = False) -> pd.DataFrame:
    """Mentions of each term in every body and comment, in the columns of ``presslens.entities.entity_mentions_table``.

    A term lists alternative spellings separated by ``|``; the first names the
    entity ("Soleimani|Suleimani" -> ``Soleimani``). By default each alternative
    is a literal, matched with its case on word boundaries ("U.S." is the
    abbreviation, not "U" any "S" any; "US" does not match "us", "Iran" does not
    match "Iranian"). With ``regex=True`` the term is a regular expression.

    Args:
        corpus: a :class:`~presslens.corpus.Corpus` (or any iterable of documents).
        terms: e.g. :data:`DEFAULT_TERMS`.

    Returns:
        ``doc_id, part, comment_id, entity, type, surface, start, end`` with
        ``type == "term"``, offsets into the body or the comment text, sorted.

    >>> from types import SimpleNamespace as NS
    >>> doc = NS(doc_id="d", body="The U.S. and Iran; Iranian oil.", comments=[])
    >>> term_mentions([doc], ["Iran", "United States|U.S."])[["entity", "surface", "start"]].values.tolist()
    [['United States', 'U.S.', 4], ['Iran', 'Iran', 13]]
    """
    if isinstance(terms, str):
        raise SentimentError(f"terms must be a list of terms, not one string ({terms!r}); write [{terms!r}]")
    compiled = [_term_pattern(t, regex=regex, ignore_case=ignore_case) for t in terms]
    names = [n for n, _ in compiled]
    if len(set(names)) != len(names):
        raise SentimentError(f"two terms name the same entity: {sorted({n for n in names if names.count(n) > 1})}; join their spellings with |")
    rows = []
    for doc in corpus:
        parts = [("body", "", doc.body)] + [("comment", c.comment_id, c.text) for c in doc.comments]
        for part, comment_id, text in parts:
            for name, pattern in compiled:
                for m in pattern.finditer(text):
                    rows.append({"doc_id": doc.doc_id, "part": part, "comment_id": comment_id, "entity": name, "type": "term",
                                 "surface": m.group(0), "start": m.start(), "end": m.end()})
    frame = pd.DataFrame(rows, columns=MENTION_COLUMNS).astype({"start": "int64", "end": "int64"})
    order = part_rank(frame["part"])
    return frame.assign(_o=order).sort_values(["doc_id", "_o", "comment_id", "start", "entity"], ignore_index=True).drop(columns="_o")


def entity_mentions(corpus, *, terms: Sequence[str] | None = None) -> tuple[pd.DataFrame, str]:
    """The mentions entity sentiment is built on, and a sentence saying where they came from.

    ``terms`` (a non-empty list) wins; else ``presslens.entities.entity_mentions_table``
    (the codebook). There is no fallback to another story's names (:data:`DEFAULT_TERMS`
    are the seeds' terms, for examples and tests only): no codebook, no mentions.
    """
    if terms:
        return term_mentions(corpus, terms), f"the terms given ({len(terms)})"
    mentions = entity_mentions_table(corpus)
    if mentions.empty:
        return mentions, "presslens.entities found no mentions (is there an entities.yml?); no other story's names stand in"
    return mentions, "presslens.entities (the codebook entities.yml, with its aliases and short forms)"


_WORD = re.compile(r"\w+")


def _mask_word(word: str) -> str:
    if word.isupper():
        return MASK_WORD.upper()
    return MASK_WORD.capitalize() if word[:1].isupper() else MASK_WORD


def _surface_pattern(surfaces: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern finding any of ``surfaces`` whole (longest first), or None when there is none."""
    forms = sorted({s for s in surfaces if isinstance(s, str) and s.strip()}, key=lambda x: (-len(x), x))
    return re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, forms))})(?!\w)") if forms else None


def mask_names(text: str, spans: Iterable[tuple[int, int]] = (), *, surfaces: Iterable[str] | re.Pattern[str] = ()) -> str:
    """``text`` with every word of an entity's name replaced by :data:`MASK_WORD`, so VADER cannot score the name.

    The name is given by ``spans`` (``(start, end)`` offsets into ``text``, the
    matched mentions) and ``surfaces`` (spellings, replaced wherever they occur
    whole, with their case, so a form the matcher passed over goes too). Each
    word becomes one mask word of its case and the spaces and punctuation stay,
    so the words around the name keep their places (VADER's negation and booster
    windows count words) and "MOIS" stays in capitals.

    >>> mask_names("The Ministry of Intelligence and Security (MOIS) helped.", [(4, 41)], surfaces=["MOIS"])
    'The Entity entity Entity entity Entity (ENTITY) helped.'
    """
    marks = sorted((int(a), int(b)) for a, b in spans if 0 <= int(a) < int(b) <= len(text))
    pattern = surfaces if isinstance(surfaces, re.Pattern) else _surface_pattern(surfaces)
    if pattern is not None:
        marks.extend((m.start(), m.end()) for m in pattern.finditer(text))
    if not marks:
        return text
    merged: list[list[int]] = []
    for a, b in sorted(marks):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    out, last = [], 0
    for a, b in merged:
        out.append(text[last:a])
        out.append(_WORD.sub(lambda m: _mask_word(m.group(0)), text[a:b]))
        last = b
    out.append(text[last:])
    return "".join(out)


def _forms(mentions: pd.DataFrame, *, own_document: bool = False) -> dict:
    """The surfaces of each entity in ``mentions`` (entity -> set), or of each entity in each document ((doc_id, entity) -> set).

    Only non-blank strings count, as :func:`_surface_pattern` keeps only those.
    """
    out: dict = {}
    columns = {"entity": mentions["entity"].astype(str), "surface": mentions["surface"]}
    if own_document:
        columns["doc_id"] = mentions["doc_id"].astype(str)
    distinct = pd.DataFrame(columns).drop_duplicates()  # a name is mentioned many times in the same spelling
    entities = distinct["entity"].tolist()
    docs = distinct["doc_id"].tolist() if own_document else entities
    for doc_id, entity, surface in zip(docs, entities, distinct["surface"].tolist()):
        if isinstance(surface, str) and surface.strip():
            out.setdefault((doc_id, entity) if own_document else entity, set()).add(surface)
    return out


def _all_forms(mentions: pd.DataFrame) -> tuple[dict, dict]:
    """``(_forms(mentions), _forms(mentions, own_document=True))`` from one pass over the mentions.

    >>> m = pd.DataFrame({"doc_id": ["a", "a", "b"], "entity": ["E", "E", "E"], "surface": ["Ea", "Ea", "Eb"]})
    >>> _all_forms(m) == (_forms(m), _forms(m, own_document=True))
    True
    """
    distinct = pd.DataFrame({
        "doc_id": mentions["doc_id"].astype(str), "entity": mentions["entity"].astype(str), "surface": mentions["surface"],
    }).drop_duplicates()
    every: dict = {}
    own: dict = {}
    for doc_id, entity, surface in zip(distinct["doc_id"].tolist(), distinct["entity"].tolist(), distinct["surface"].tolist()):
        if isinstance(surface, str) and surface.strip():
            every.setdefault(entity, set()).add(surface)
            own.setdefault((doc_id, entity), set()).add(surface)
    return every, own


ENTITY_SENTENCE_COLUMNS = ["entity", "type", "doc_id", "part", "comment_id", "sent_id", "n_mentions", "text", "masked", "compound", "compound_raw"]


def entity_sentences(
    sentences: pd.DataFrame,
    mentions: pd.DataFrame,
    *,
    mask: bool = True,
    own_document: bool = False,
    forms: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per entity and sentence naming it: the sentence scored with the entity's own name masked, and raw.

    A mention belongs to the sentence whose ``[start, end)`` contains it, in the
    same ``doc_id``, ``part`` and ``comment_id``. Mentions outside every sentence
    (or straddling two) are left out and counted in the log.

    VADER scores words, and names are words: "Intelligence" and "Security" read
    positive, so the sentences naming Iran's Ministry of Intelligence and
    Security would read warmer than their wording about it. For each entity the
    sentence is scored again with :func:`mask_names` over that entity's mentions
    in it and every surface of the entity found anywhere in ``mentions`` (other
    entities' names stay as written).

    Args:
        sentences: ``sentences_table`` (``doc_id, part, comment_id, sent_id, start, end, text, compound``).
        mentions: ``doc_id, part, comment_id, entity, type, start, end`` [``surface``].
        mask: ``False`` keeps the raw scores (``compound == compound_raw``; ``text`` may then be absent).
        own_document: mask each document's sentences with the surfaces of the entity found in that document only
            (the build's per-document step; :func:`corpus_masking` turns its rows into those of the whole corpus).
        forms: the mentions whose surfaces are masked (default: ``mentions``); a part of the corpus is scored
            with the whole corpus's surfaces by giving its mentions as ``mentions`` and the corpus's as ``forms``.

    Returns:
        ``entity, type, doc_id, part, comment_id, sent_id, n_mentions, text,
        masked`` (the text scored), ``compound`` (VADER on ``masked``) and
        ``compound_raw`` (VADER on ``text``, the sentences table's score), sorted.
    """
    _require(sentences, ["doc_id", "part", "comment_id", "sent_id", "start", "end", "compound", *(["text"] if mask else [])], "sentences")
    _require(mentions, ["doc_id", "part", "comment_id", "entity", "type", "start", "end"], "mentions")
    keys = ["doc_id", "part", "comment_id"]
    left = mentions.assign(
        comment_id=_ids(mentions["comment_id"]), doc_id=mentions["doc_id"].astype(str), part=mentions["part"].astype(str),
        start=pd.to_numeric(mentions["start"]).astype("int64"), end=pd.to_numeric(mentions["end"]).astype("int64"),
    )[[*keys, "entity", "type", "start", "end"]]
    right = sentences.assign(
        comment_id=_ids(sentences["comment_id"]), doc_id=sentences["doc_id"].astype(str), part=sentences["part"].astype(str),
        start=sentences["start"].astype("int64"), s_end=sentences["end"].astype("int64"),
        text=sentences["text"].astype(str) if "text" in sentences.columns else "",
    )[[*keys, "sent_id", "start", "s_end", "text", "compound"]].rename(columns={"start": "s_start", "compound": "compound_raw"})
    merged = pd.merge_asof(
        left.sort_values("start"), right.sort_values("s_start"), left_on="start", right_on="s_start", by=keys, direction="backward"
    )
    inside = merged["s_start"].notna() & (merged["end"] <= merged["s_end"])
    if (~inside).sum():
        log.info("left out %d mention(s) not inside one sentence", int((~inside).sum()))
    merged = merged[inside]
    patterns: dict = {}
    forms = mentions if forms is None else forms
    if mask and "surface" in forms.columns:
        # the surfaces of the entities of these sentences only: a corpus's mentions name thousands of entities, and
        # corpus_masking scores a few sentences again with the whole corpus's surfaces
        chosen = forms[forms["entity"].astype(str).isin(set(merged["entity"].astype(str)))]
        patterns = {key: _surface_pattern(f) for key, f in _forms(chosen, own_document=own_document).items()}
    group = ["entity", "type", *keys, "sent_id"]
    columns = {c: merged[c].to_numpy() for c in [*group, "start", "end", "s_start", "text", "compound_raw"]}
    rows = []
    for positions in merged.groupby(group, sort=False, dropna=False).indices.values():
        i = positions[0]
        text, raw = columns["text"][i], float(columns["compound_raw"][i])
        masked, compound = text, raw
        if mask:
            offset = int(columns["s_start"][i])
            spans = [(int(columns["start"][j]) - offset, int(columns["end"][j]) - offset) for j in positions]
            entity = str(columns["entity"][i])
            pattern = patterns.get((str(columns["doc_id"][i]), entity) if own_document else entity)
            masked = mask_names(text, spans, surfaces=pattern or ())
            compound = raw if masked == text else scores(masked)["compound"]
        rows.append({**{c: columns[c][i] for c in group}, "n_mentions": len(positions),
                     "text": text, "masked": masked, "compound": compound, "compound_raw": raw})
    frame = pd.DataFrame(rows, columns=ENTITY_SENTENCE_COLUMNS)
    frame = frame.astype({"n_mentions": "int64", "compound": "float64", "compound_raw": "float64"})
    if "sent_id" in sentences.columns and not frame.empty:
        frame["sent_id"] = frame["sent_id"].astype(sentences["sent_id"].dtype)
    order = part_rank(frame["part"])
    return frame.assign(_o=order).sort_values(["entity", "type", "doc_id", "_o", "comment_id", "sent_id"], ignore_index=True).drop(columns="_o")


#: the masking kept from an earlier run and this run's, inside :func:`remembered_masking` (None outside such a block)
_MASKING: tuple[Mapping, Mapping[str, str], dict] | None = None


@contextmanager
def remembered_masking(known: Mapping | None, documents: Mapping[str, str]) -> Iterator[dict]:
    """Inside the block :func:`corpus_masking` takes what an earlier run's did for a document and an entity, when nothing it rests on changed.

    What :func:`corpus_masking` does for the rows of one document and one
    entity (which of them to score again, and the rows scored again) rests on
    that document's rows, sentences and mentions, and on every surface of the
    entity in the whole corpus. The first three are fixed by the document and
    the codebook, which ``documents`` names by a key (doc_id -> the key of the
    document's content and of the codebook, e.g. the build's cache key); the
    last is compared by a digest of the surfaces. A run after adding one
    document finds most pairs unchanged and tests only the others: at 10,000
    documents that is about 4 s of regular expressions and masking saved.

    Args:
        known: what an earlier block yielded (``documents``, ``every``, ``redone``), or ``None``/empty.
        documents: doc_id -> key of this run's documents; a document without a key is always worked out.

    Yields:
        What this block's :func:`corpus_masking` did (``documents``, ``every``: entity -> digest of its
        surfaces, ``redone``: the rows it scored again), to give the next run as ``known``; empty if it was not called.
    """
    global _MASKING
    if _MASKING is not None:
        raise RuntimeError("remembered_masking: one block at a time")
    asked: dict = {}
    _MASKING = (dict(known or {}), dict(documents), asked)
    try:
        yield asked
    finally:
        _MASKING = None


def _surfaces_digest(surfaces: Iterable[str]) -> str:
    """sha256 of a set of surfaces (sorted, NUL-separated)."""
    return hashlib.sha256("\0".join(sorted(surfaces)).encode("utf-8", "surrogatepass")).hexdigest()


def _pairs_of(mentions: pd.DataFrame) -> pd.MultiIndex:
    """``(doc_id, entity)`` of each mention, as text: to pick the mentions of some documents' entities."""
    return pd.MultiIndex.from_arrays([mentions["doc_id"].astype(str), mentions["entity"].astype(str)])


def corpus_masking(per_document: pd.DataFrame, sentences: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """:func:`entity_sentences` of the whole corpus from its per-document rows (``own_document=True``), in its order.

    A document's rows were masked with the surfaces of each entity found in that
    document; the whole corpus masks with those found anywhere. A row differs
    only where a surface of the entity found in other documents only occurs
    whole in its sentence: where the regular expression of those surfaces finds
    nothing, the corpus's pattern marks what the document's marked, so the
    masked text and its score are the same. Only the rows where it finds one
    are scored again (with their sentence, their entity's mentions in it and the
    corpus's surfaces); the others are kept as they are. Inside
    :func:`remembered_masking`, a document and entity whose inputs are those of
    the earlier run take that run's rows scored again instead of testing them.

    Args:
        per_document: :func:`entity_sentences` with ``own_document=True``, of every document of ``mentions``
            (in any order, e.g. assembled from per-document pieces).
        sentences: the corpus's ``sentences_table``.
        mentions: the corpus's mentions (the ones ``per_document`` was made from).

    Returns:
        ``entity_sentences(sentences, mentions)``.
    """
    rows = per_document.reset_index(drop=True)
    if rows.empty:
        return rows
    if "surface" in mentions.columns:
        doc_ids, entities = rows["doc_id"].astype(str).to_numpy(), rows["entity"].astype(str).to_numpy()
        settled = np.zeros(len(rows), dtype=bool)  # rows whose pair the earlier run's masking answers
        kept = None
        memo = _MASKING
        mention_pairs = None  # (doc_id, entity) of every mention, made on first use
        if memo is not None and memo[0].get("redone") is not None:
            known, documents, _ = memo
            every = _forms(mentions)
            digests = {entity: _surfaces_digest(surfaces) for entity, surfaces in every.items()}
            same_docs = {d for d, key in known.get("documents", {}).items() if documents.get(d) == key}
            same_entities = {e for e, digest in known.get("every", {}).items() if digests.get(e) == digest}
            settled = pd.Series(doc_ids).isin(same_docs).to_numpy() & pd.Series(entities).isin(same_entities).to_numpy()
            earlier = known["redone"]
            kept = earlier[earlier["doc_id"].astype(str).isin(same_docs) & earlier["entity"].astype(str).isin(same_entities)]
            # each document's own surfaces only for the pairs left to test
            open_pairs = pd.MultiIndex.from_arrays([doc_ids[~settled], entities[~settled]]).unique()
            mention_pairs = _pairs_of(mentions)
            own = _forms(mentions[mention_pairs.isin(open_pairs)], own_document=True)
        else:
            every, own = _all_forms(mentions)
            digests = {entity: _surfaces_digest(surfaces) for entity, surfaces in every.items()} if memo is not None else {}
        extra_patterns: dict[frozenset, re.Pattern[str] | None] = {}
        again = np.zeros(len(rows), dtype=bool)
        pair_patterns: dict[tuple[str, str], re.Pattern[str] | None] = {}  # a document's rows of one entity share it
        texts, doc_list, entity_list = rows["text"].astype(str).tolist(), doc_ids.tolist(), entities.tolist()
        for i in np.flatnonzero(~settled).tolist():
            pair = (doc_list[i], entity_list[i])
            if pair not in pair_patterns:
                extra = frozenset(every.get(pair[1], set()) - own.get(pair, set()))
                if extra and extra not in extra_patterns:
                    extra_patterns[extra] = _surface_pattern(extra)
                pair_patterns[pair] = extra_patterns[extra] if extra else None
            pattern = pair_patterns[pair]
            again[i] = pattern is not None and pattern.search(texts[i]) is not None
        redone = None
        if again.any():
            log.info("masking: %d sentence(s) scored again with surfaces found in other documents", int(again.sum()))
            redo = rows[again]
            where = ["doc_id", "part", "comment_id", "sent_id"]
            sent_keys = pd.MultiIndex.from_arrays([
                sentences["doc_id"].astype(str), sentences["part"].astype(str), _ids(sentences["comment_id"]), sentences["sent_id"],
            ])
            chosen_sentences = sentences[sent_keys.isin(pd.MultiIndex.from_frame(redo[where]))]
            pairs = pd.MultiIndex.from_arrays([doc_ids[again], entities[again]])
            mention_pairs = _pairs_of(mentions) if mention_pairs is None else mention_pairs
            chosen_mentions = mentions[mention_pairs.isin(pairs)]
            redone = entity_sentences(chosen_sentences, chosen_mentions, forms=mentions)
        if kept is not None and len(kept):
            log.info("masking: %d sentence(s) scored again taken from the last run", len(kept))
            redone = kept if redone is None else pd.concat([kept, redone], ignore_index=True)
        if memo is not None:
            _, documents, asked = memo
            asked.update(documents={d: documents[d] for d in set(doc_ids.tolist()) if d in documents}, every=digests,
                         redone=(redone if redone is not None else rows.iloc[:0]).reset_index(drop=True))
        if redone is not None and len(redone):
            keys = ["entity", "type", "doc_id", "part", "comment_id", "sent_id"]
            keep = ~pd.MultiIndex.from_frame(rows[keys]).isin(pd.MultiIndex.from_frame(redone[keys]))
            rows = pd.concat([rows[keep], redone], ignore_index=True)
    order = part_rank(rows["part"])
    return rows.assign(_o=order).sort_values(["entity", "type", "doc_id", "_o", "comment_id", "sent_id"], ignore_index=True).drop(columns="_o")

def entity_sentiment(
    sentences: pd.DataFrame,
    mentions: pd.DataFrame,
    *,
    by_document: bool = False,
    mask: bool = True,
    n_resamples: int = DEFAULT_RESAMPLES,
    confidence: float = DEFAULT_CONFIDENCE,
    seed: int = DEFAULT_SEED,
    per_sentence: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Mean compound of the sentences that mention each entity, scored with its own name masked, body and comments apart.

    The sentences are :func:`entity_sentences`: a sentence that names an entity
    twice counts once for it (``n_mentions`` counts both), and it is scored
    with that entity's name words masked, so a name VADER reads as warm
    ("Intelligence", "Security") does not make its sentences warm. ``mean_raw``
    keeps the mean of the sentences as written beside it; the two are equal
    for a name with no VADER words ("Iran", "Soleimani").

    Args:
        sentences: ``sentences_table``.
        mentions: ``doc_id, part, comment_id, entity, type, surface, start, end``
            (``presslens.entities.entity_mentions_table`` or :func:`term_mentions`).
        by_document: one row per document too (adds ``doc_id``).
        mask: ``False`` scores the sentences as written (``mean == mean_raw``).
        per_sentence: ``entity_sentences(sentences, mentions, mask=mask)`` when already computed (the build
            assembles it from per-document pieces, :func:`corpus_masking`).

    Returns:
        ``entity, type, part`` [``doc_id``], ``n_mentions, n_documents`` and the
        :func:`rollup` columns of the masked scores with ``n`` renamed
        ``n_sentences``, then ``mean_raw`` (unmasked) and ``n_masked`` (sentences
        whose score masking changed); sorted.
    """
    if per_sentence is None:
        per_sentence = entity_sentences(sentences, mentions, mask=mask)
    group = ["entity", "type", "part"] + (["doc_id"] if by_document else [])
    opts = {"n_resamples": n_resamples, "confidence": confidence, "seed": seed}
    table = rollup(per_sentence, group, value="compound", **opts).rename(columns={"n": "n_sentences"})
    counts = per_sentence.assign(_changed=per_sentence["compound"] != per_sentence["compound_raw"]).groupby(group).agg(
        n_mentions=("n_mentions", "sum"), n_documents=("doc_id", "nunique"), n_masked=("_changed", "sum"),
    ).reset_index()
    raw = rollup(per_sentence, group, value="compound_raw", n_resamples=1, confidence=confidence, seed=seed)  # the same mean, rounded alike
    table = table.merge(counts, on=group, how="left").merge(raw[[*group, "mean"]].rename(columns={"mean": "mean_raw"}), on=group, how="left")
    table = table.astype({"n_mentions": "int64", "n_documents": "int64", "n_masked": "int64"})
    cols = [*group, "n_mentions", "n_documents", "n_sentences", "mean", "ci_low", "ci_high", "negative", "neutral", "positive", "note",
            "mean_raw", "n_masked"]
    order = part_rank(table["part"])
    return table.assign(_o=order).sort_values(["entity", "type", "_o", *group[3:]], ignore_index=True)[cols]


def most_mentioned(entities: pd.DataFrame, *, n: int = 15) -> pd.DataFrame:
    """The rows of :func:`entity_sentiment` for the ``n`` entities named in the most sentences (body and comments together).

    Rows come most-named entity first (ties: alphabetical), body before comments,
    which is the order :func:`rollup_chart` draws them top to bottom.
    """
    _require(entities, ["entity", "n_sentences"], "entity sentiment")
    totals = entities.groupby("entity")["n_sentences"].sum()
    ranked = totals.reset_index().sort_values(["n_sentences", "entity"], ascending=[False, True])["entity"].head(n).tolist()
    rank = {e: i for i, e in enumerate(ranked)}
    top = entities[entities["entity"].isin(rank)]
    keys = top["entity"].map(rank)
    part = part_rank(top["part"]) if "part" in top.columns else 0
    return top.assign(_r=keys, _p=part).sort_values(["_r", "_p"], kind="stable").drop(columns=["_r", "_p"]).reset_index(drop=True)


def entity_comparison(entities: pd.DataFrame) -> pd.DataFrame:
    """Body against comments side by side, one row per entity (from :func:`entity_sentiment` without ``by_document``).

    Returns:
        ``entity, type, body_sentences, body_mean, body_ci_low, body_ci_high,
        comment_sentences, comment_mean, comment_ci_low, comment_ci_high,
        difference`` (comments minus body; NaN when one side never names it),
        then ``body_mean_raw, comment_mean_raw`` (the means with the names
        unmasked) when ``entities`` has ``mean_raw``, in
        the order the entities first appear in ``entities`` (alphabetical from
        :func:`entity_sentiment`, most named first from :func:`most_mentioned`).
    """
    _require(entities, ["entity", "type", "part", "n_sentences", "mean", "ci_low", "ci_high"], "entity sentiment")
    if "doc_id" in entities.columns:
        raise SentimentError("entity_comparison takes entity_sentiment(..., by_document=False): one row per entity and part")
    rows = []
    for (entity, kind), sub in entities.groupby(["entity", "type"], sort=False):
        row = {"entity": entity, "type": kind}
        for part in ("body", "comment"):
            hit = sub[sub["part"] == part]
            row[f"{part}_sentences"] = int(hit["n_sentences"].iloc[0]) if len(hit) else 0
            for col in ("mean", "ci_low", "ci_high"):
                row[f"{part}_{col}"] = hit[col].iloc[0] if len(hit) else math.nan
        row["difference"] = round(row["comment_mean"] - row["body_mean"], 4)
        if "mean_raw" in sub.columns:
            for part in ("body", "comment"):
                hit = sub[sub["part"] == part]
                row[f"{part}_mean_raw"] = hit["mean_raw"].iloc[0] if len(hit) else math.nan
        rows.append(row)
    return pd.DataFrame(rows)
