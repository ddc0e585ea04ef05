"""Provisional entities: without ``entities.yml``, the names discovery finds are counted until the analyst confirms them.

A story folder with no codebook still has people, places and organisations.
:func:`provisional_codebook` turns the candidates of
:func:`.discovery.discover_names` into a :class:`.codebook.Codebook` whose entries
are marked ``provisional``: each keeps its discovered spellings (aliases) and short
forms, and the type discovery guessed with its evidence (``unknown`` when nothing
said what it is). Mentions and counts of these entries carry ``provisional`` True;
with a codebook, no entry is provisional. Confirming a name means pasting its
entry (:func:`.discovery.discovery_yaml`) into ``entities.yml``.
"""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from pathlib import Path

from ..ingest.corpus import Corpus
from .codebook import CODEBOOK_FILE, Codebook, Entity, declared_codebook
from .discovery import discover_names
from .keys import _form_key, is_acronym

log = logging.getLogger(__name__)

#: a discovered name is a provisional entity when named this many times (its short forms included)
MIN_MENTIONS = 2
#: and when it has at most this many capitalised words (longer runs are title-case headlines and clutter)
MAX_WORDS = 4
#: provisional codebooks kept per process, keyed by the corpus's texts (the notebooks and tables of one run share one)
_MEMO_SIZE = 4
_MEMO: OrderedDict[str, Codebook] = OrderedDict()


def _corpus_digest(corpus: Corpus, min_mentions: int) -> str:
    digest = hashlib.sha256(f"{corpus.path}\n{min_mentions}\n".encode("utf-8", "surrogatepass"))
    for doc in corpus:
        digest.update(f"{doc.doc_id}\n{doc.body}\n".encode("utf-8", "surrogatepass"))
        for c in doc.comments:
            digest.update(f"{c.comment_id}\n{c.text}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def provisional_codebook(corpus: Corpus, *, min_mentions: int = MIN_MENTIONS) -> Codebook:
    """The discovered names of a corpus as a codebook of provisional entries.

    Every candidate of :func:`.discovery.discover_names` (run without a codebook)
    named at least ``min_mentions`` times becomes an entry: its most common spelling
    is the name, its other spellings are aliases, its short forms stay short forms,
    its type is discovery's guess (``unknown`` without evidence) and its note says
    where it was found and what decided the type. A spelling already taken by a
    higher-ranked entry is dropped from a later one, so every form names one entry.
    The result depends on the whole corpus (ranks and filters are corpus-wide), so it
    is computed once per corpus texts and kept (a few per process). Names of more than
    :data:`MAX_WORDS` capitalised words (title-case headlines) are left out.
    """
    key = _corpus_digest(corpus, min_mentions)
    if key in _MEMO:
        _MEMO.move_to_end(key)
        return _MEMO[key]
    candidates = discover_names(corpus, Codebook(entities=(), path=str(Path(corpus.path) / CODEBOOK_FILE)))
    taken: set[tuple[bool, str]] = set()
    shorts: set[tuple[bool, str]] = set()
    entries = []
    for row in candidates.itertuples(index=False):
        if row.count + row.short_count < min_mentions:
            continue
        if sum(1 for w in row.name.split() if w[:1].isupper()) > MAX_WORDS:
            continue
        forms = []
        for form in [row.name, *_split(row.variants)]:
            exact = is_acronym(form)
            k = (exact, _form_key(form, exact=exact))
            if k not in taken and k not in shorts:
                taken.add(k)
                forms.append(form)
        if not forms or forms[0] != row.name:
            continue
        short = []
        for form in _split(row.short_forms):
            exact = is_acronym(form)
            k = (exact, _form_key(form, exact=exact))
            if k not in taken:
                shorts.add(k)
                short.append(form)
        entries.append(Entity(
            name=row.name, type=row.type_guess, aliases=tuple(forms[1:]), short=tuple(short),
            note=f"provisional: discovered, {row.count + row.short_count} mentions in {row.n_sources} sources; "
                 f"type {row.type_guess} from {row.evidence}",
            provisional=True,
        ))
    book = Codebook(entities=tuple(entries), path=str(Path(corpus.path) / CODEBOOK_FILE))
    log.info("%d discovered names are provisional entities (named %d+ times)", len(entries), min_mentions)
    _MEMO[key] = book
    while len(_MEMO) > _MEMO_SIZE:
        _MEMO.popitem(last=False)
    return book


def _split(value: object) -> list[str]:
    return [v.strip() for v in str(value or "").split(";") if v.strip()]


def codebook_for(corpus: Corpus, codebook: Codebook | str | Path | None = None) -> Codebook:
    """The codebook a run uses: the one given, else ``entities.yml`` in the corpus folder, else the provisional one.

    A path given as text may be relative to the project folder (as notebook
    parameters are). With no codebook at all, a warning is logged and the names
    discovery finds are counted as provisional entities (:func:`provisional_codebook`):
    their mentions and counts say ``provisional`` until the analyst confirms them in
    ``entities.yml``.

    Raises:
        CodebookError: the codebook given does not exist or is malformed.
    """
    book = declared_codebook(corpus.path, codebook)
    if book is not None:
        return book
    book = provisional_codebook(corpus)
    # info, not a warning: load_corpus already records the missing codebook among the corpus's warnings
    # (console, index, notebook 00), and a warning here would print in every report that reads entities
    log.info(
        "no %s in %s: %d discovered names are counted as provisional entities (confirm them in %s; "
        "discovery_yaml writes the entries)", CODEBOOK_FILE, corpus.path, len(book), CODEBOOK_FILE,
    )
    return book
