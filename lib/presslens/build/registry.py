"""THE table registry: every table of a run declared once, with its function and its stage group.

Each :class:`Table` names the function that computes it on a whole corpus (the
reference the engine's results equal byte for byte) and the group that says
how the engine computes it:

* ``document``: a document's rows depend on that document alone (and its
  ``sources.yml`` entry), so they are computed per document and cached per document;
* ``codebook``: per document too, but also depending on the codebook
  (``entities.yml``): recomputed alone when the codebook changes;
* ``corpus``: corpus-level tables, recomputed on every run: from other tables
  (``inputs``/``derive``: threads, entity counts and sentiment), from the reuse
  alignment (``from_alignment``), or from the corpus itself (``inputs``).

An ``internal`` table is a per-document step of a corpus-level table, not a
table of ``outputs/data``: the engine computes and caches it per document like
the tables of its group, and hands it to the ``derive`` of the tables naming it
in ``pieces`` (``entity_sentence_pieces``: the masked VADER scores of the
sentences naming an entity, so ``entity_sentiment`` only rolls them up). It is
in :data:`REGISTRY` and :data:`BY_NAME` but in none of the views below.

``options`` are the keyword options a table takes, with the values the build
uses: :func:`presslens.pipeline.tables_for` reads the run's tables only for a
notebook asking for these very values, and computes the table with the others.

The old lookups stay as views of :data:`REGISTRY` (:data:`TABLES`,
:data:`DOCUMENT_TABLES`, :data:`CODEBOOK_TABLES`, :data:`DERIVED`,
:data:`REUSE_TABLES`, :data:`CORPUS_ORDER`, :data:`GROUPS`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import pandas as pd

from presslens import entities, figures, reuse, sentiment
from presslens.ingest import tables
from presslens.ingest.corpus import Corpus

#: the stage groups of the registry
STAGE_GROUPS = ("document", "codebook", "corpus")
#: the per-document stage groups, in the order a document is processed
GROUPS = ("document", "codebook")


@dataclass(frozen=True)
class Table:
    """One table of ``outputs/data/``: its name, the function of the whole corpus and how the engine computes it.

    Attributes:
        name: the table's name (``data/<name>.csv``).
        function: the table of a whole corpus, with the build's options (a function of the corpus; a
            ``codebook`` table also takes the parsed codebook as second argument).
        group: ``document``, ``codebook`` or ``corpus`` (see the module docstring).
        corpus_order: the table keeps the corpus order instead of being sorted by ``doc_id``.
        inputs: a derived table's input tables (names of the registry).
        derive: builds a derived table from the corpus and its ``inputs`` frames, in that order.
        from_alignment: a reuse table from a :class:`presslens.reuse.Alignment`.
        options: keyword options of the table and the values the build uses.
        with_options: computes the table with other ``options`` (default: ``function(corpus, **options)``).
        per_document: a ``document`` table's step for a chunk of documents, when ``function`` also does a step over
            the whole corpus (``finish``): the engine computes and caches ``per_document`` per chunk and applies
            ``finish`` once to the assembled table, so ``finish(per_document(corpus)) == function(corpus)``.
        finish: that whole-corpus step (a function of the assembled frame).
        internal: a per-document step of corpus-level tables, not written to ``outputs/data`` (see the module docstring).
        takes: per-document tables of the same documents the function takes as keywords, given by the engine's
            worker when it computed them in the same task (the function computes them itself otherwise).
        pieces: ``internal`` tables a derived table's ``derive`` takes as keywords, given by the engine when it
            computed them (``derive`` computes without them otherwise, as :func:`presslens.pipeline.tables_for` calls it).
        remembers: a derived table asking the pure functions the build remembers between runs (masked VADER scores,
            bootstrap intervals: :func:`presslens.build.cache.remembered`), so the engine computes it in the build's own
            process; the other corpus-level tables may be computed beside it, in a forked child (:mod:`.background`).
    """

    name: str
    function: Callable[..., pd.DataFrame]
    group: str
    corpus_order: bool = False
    inputs: tuple[str, ...] = ()
    derive: Callable[..., pd.DataFrame] | None = None
    from_alignment: Callable[[Any], pd.DataFrame] | None = None
    options: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    with_options: Callable[..., pd.DataFrame] | None = None
    per_document: Callable[..., pd.DataFrame] | None = None
    finish: Callable[[pd.DataFrame], pd.DataFrame] | None = None
    internal: bool = False
    takes: tuple[str, ...] = ()
    pieces: tuple[str, ...] = ()
    remembers: bool = False

    def __post_init__(self) -> None:
        if self.group not in STAGE_GROUPS:
            raise ValueError(f"table {self.name}: group must be one of {STAGE_GROUPS}, got {self.group!r}")
        if (self.derive is None) != (not self.inputs):
            raise ValueError(f"table {self.name}: a derived table has both inputs and derive")
        if self.internal and (self.group == "corpus" or self.derive is not None or self.from_alignment is not None):
            raise ValueError(f"table {self.name}: an internal table is a per-document step (group document or codebook)")
        object.__setattr__(self, "options", MappingProxyType(dict(self.options)))

    def compute(self, corpus: Corpus, **options: Any) -> pd.DataFrame:
        """The table of ``corpus`` computed with ``options`` (a subset of :attr:`options`), without the engine."""
        if self.with_options is not None:
            return self.with_options(corpus, **options)
        return self.function(corpus, **options)


def _comment_threads(corpus: Corpus, comments: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    return sentiment.comment_threads_table(corpus, comments=comments, documents=documents)


def _entity_counts(corpus: Corpus, entity_mentions: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    return entities.entity_counts_table(corpus, mentions=entity_mentions, documents=documents)


def _entity_sentiment(
    corpus: Corpus, sentences: pd.DataFrame, entity_mentions: pd.DataFrame, *, entity_sentence_pieces: pd.DataFrame | None = None,
    **bootstrap: Any,
) -> pd.DataFrame:
    return sentiment.entity_sentiment_table(
        corpus, sentences=sentences, mentions=entity_mentions, per_document=entity_sentence_pieces, **bootstrap
    )


def _entity_mentions_with(corpus: Corpus, *, codebook_file: str = "", require_full_name: bool = False) -> pd.DataFrame:
    """Entity mentions with another codebook file (project-relative, as notebook 03's parameter) or full-name rule."""
    book = entities.codebook_for(corpus, codebook_file)
    return entities.entity_mentions_table(corpus, book, require_full_name=require_full_name)


#: every table of a run, in the order the run writes them
REGISTRY: tuple[Table, ...] = (
    Table("documents", tables.documents_table, "document"),
    Table("comments", tables.comments_table, "document"),
    Table("sentences", tables.sentences_table, "document"),
    Table("segments", tables.segments_table, "document"),
    Table("metadata", tables.metadata_table, "document", corpus_order=True),
    Table("inputs", tables.inputs_table, "corpus"),
    Table("reuse_pairs", reuse.reuse_pairs_table, "corpus", from_alignment=reuse.pairs_frame),
    Table("shared_passages", reuse.shared_passages_table, "corpus", from_alignment=reuse.passages_frame),
    Table("comment_threads", sentiment.comment_threads_table, "corpus", inputs=("comments", "documents"), derive=_comment_threads),
    Table("entity_mentions", entities.entity_mentions_table, "codebook",
          options={"codebook_file": "", "require_full_name": False}, with_options=_entity_mentions_with),
    Table("entity_counts", entities.entity_counts_table, "corpus", inputs=("entity_mentions", "documents"), derive=_entity_counts),
    Table("entity_sentence_pieces", sentiment.entity_sentence_pieces, "codebook", internal=True,
          takes=("sentences", "entity_mentions")),
    Table("entity_sentiment", sentiment.entity_sentiment_table, "corpus", inputs=("sentences", "entity_mentions"),
          derive=_entity_sentiment, pieces=("entity_sentence_pieces",), remembers=True,
          options={"n_resamples": sentiment.DEFAULT_RESAMPLES, "confidence": sentiment.DEFAULT_CONFIDENCE, "seed": sentiment.DEFAULT_SEED}),
    Table("figures", figures.figures_table, "document", options={"include_comments": True},
          per_document=figures.document_figures, finish=figures.join_open_claims),
    Table("figure_numbers", figures.numbers_table, "document", options={"include_comments": True}),
)

#: table name -> its :class:`Table`
BY_NAME: Mapping[str, Table] = MappingProxyType({t.name: t for t in REGISTRY})
if len(BY_NAME) != len(REGISTRY):  # pragma: no cover - a registry mistake, caught on import
    raise ValueError("two tables of the registry share a name")


def _functions(group: str) -> dict[str, Callable[..., pd.DataFrame]]:
    return {t.name: t.function for t in REGISTRY
            if t.group == group and t.derive is None and t.from_alignment is None and not t.internal}


#: table name -> function of the corpus: every table of a run (``pipeline.TABLES``; the ``internal`` steps are not)
TABLES: dict[str, Callable[[Corpus], pd.DataFrame]] = {t.name: t.function for t in REGISTRY if not t.internal}
#: per-document tables that depend on the document alone (and sources.yml, part of the document)
DOCUMENT_TABLES: dict[str, Callable[[Corpus], pd.DataFrame]] = _functions("document")
#: per-document tables that also depend on the codebook (re-run alone when entities.yml changes)
CODEBOOK_TABLES: dict[str, Callable[..., pd.DataFrame]] = _functions("codebook")
#: corpus-level tables computed from other tables: name -> (original function, inputs, builder)
DERIVED: dict[str, tuple[Callable, tuple[str, ...], Callable[..., pd.DataFrame]]] = {
    t.name: (t.function, t.inputs, t.derive) for t in REGISTRY if t.derive is not None
}
#: the reuse tables: name -> (the TABLES function it stands for, the table from an alignment)
REUSE_TABLES: dict[str, tuple[Callable, Callable[[Any], pd.DataFrame]]] = {
    t.name: (t.function, t.from_alignment) for t in REGISTRY if t.from_alignment is not None
}
#: tables kept in corpus order instead of sorted by doc_id
CORPUS_ORDER = frozenset(t.name for t in REGISTRY if t.corpus_order)


def known(name: str, function: Callable) -> Table | None:
    """The registry's table ``name`` when ``function`` is its function (``None`` for an unknown or replaced table).

    The engine computes a table its own way (per document, cached, derived) only
    for a registry table; any other function is called on the whole corpus.

    >>> known("documents", tables.documents_table).group
    'document'
    >>> known("documents", len) is None
    True
    """
    table = BY_NAME.get(name)
    return table if table is not None and table.function is function else None


__all__ = [
    "BY_NAME", "CODEBOOK_TABLES", "CORPUS_ORDER", "DERIVED", "DOCUMENT_TABLES", "GROUPS", "REGISTRY", "REUSE_TABLES",
    "STAGE_GROUPS", "TABLES", "Table", "known",
]
