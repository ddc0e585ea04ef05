"""A story folder of one's own: ``presslens init`` starts one, ``presslens check`` says whether it is sound.

A story folder holds saved pages (``.html``, ``.htm``, ``.txt``), ``sources.yml``
(what is known about each page) and ``entities.yml`` (the codebook). :func:`init_story`
reads the pages as a run would (:func:`presslens.ingest.corpus.load_corpus`) and
writes both files for the analyst to edit: ``sources.yml`` prefilled with what each
page states about itself (with the basis and the evidence, fields the page does
not state as comments to fill in), and ``entities.yml`` with the names discovery
finds in most sources (:func:`presslens.entities.discover_names`), each marked as
proposed. Existing files are kept unless ``force`` is given. :func:`check_story`
validates a folder: both files parse and fit their schema, every entry names a
page of the folder, which pages have no entry, which were rejected and why.

It needs name discovery from :mod:`presslens.entities`, so it sits in the run
layer beside the ``presslens`` command. Nothing here prints: the command does.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from .entities.codebook import CODEBOOK_FILE, TYPES, Codebook, load_codebook, parse_codebook
from .entities.discovery import discover_names, discovery_yaml
from .errors import CorpusError, MetadataError
from .ingest.corpus import DOCUMENT_SUFFIXES, Corpus, Document, InputFile, load_corpus
from .ingest.metadata import BASES, FIELDS, GENRES, SOURCES_FILE, SHORT_FORM_EVIDENCE, parse_field, read_sources

#: how many discovered names ``init`` proposes for ``entities.yml`` unless told
DEFAULT_ENTITIES = 30
#: the comment that marks an entry of ``entities.yml`` that ``init`` proposed and the analyst has not yet checked
PROPOSED_MARK = "# proposed"
#: what ``init`` writes beside a field the page does not state
FIELD_HINTS = {
    "outlet": "the site or publication",
    "title": "the headline",
    "author": "who wrote it",
    "published": "YYYY-MM-DD",
    "genre": "one of " + ", ".join(GENRES),
    "url": "the page's address",
    "language": "en, de, ...",
    "original_outlet": "where a reprint first appeared",
}


@dataclass(frozen=True)
class Written:
    """One file ``init`` wrote, or kept."""

    path: Path
    action: str  # wrote | overwrote | kept
    detail: str = ""


@dataclass
class InitResult:
    """What :func:`init_story` did."""

    folder: Path
    files: list[Written]
    documents: int
    comments: int
    rejected: list[InputFile]
    proposed: int
    next_commands: list[str]


@dataclass(frozen=True)
class Finding:
    """One message of :func:`check_story`: ``error`` (the folder needs fixing), ``warning`` or ``ok``."""

    level: str
    message: str


@dataclass
class CheckResult:
    """What :func:`check_story` found."""

    folder: Path
    findings: list[Finding] = field(default_factory=list)
    documents: int = 0
    comments: int = 0
    words: int = 0

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, level: str, message: str) -> None:
        self.findings.append(Finding(level, message))


# ---------------------------------------------------------------------------
# init
# ---------------------------------------------------------------------------


def init_story(
    folder: str | Path, *, force: bool = False, entities: int = DEFAULT_ENTITIES, max_bytes: int | None = None
) -> InitResult:
    """Turn a folder of saved pages into a story folder: write ``sources.yml`` and ``entities.yml``.

    The pages are read as a run reads them, but without the folder's own YAML files,
    so what is prefilled is what the pages state. An existing file is kept (and said
    so in the result) unless ``force``.

    Args:
        folder: the folder of pages.
        force: overwrite existing ``sources.yml`` and ``entities.yml``.
        entities: how many discovered names to propose.
        max_bytes: as for :func:`load_corpus`.

    Raises:
        CorpusError: the folder does not exist or holds no page presslens can read.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise CorpusError(f"{folder}: folder not found")
    targets = {name: folder / name for name in (SOURCES_FILE, CODEBOOK_FILE)}
    todo = {name: path for name, path in targets.items() if force or not path.exists()}
    with pages_only(folder) as view:
        corpus = load_corpus(view, max_bytes=max_bytes, within=folder)
        if not corpus.documents:
            raise CorpusError(f"{folder}: no page presslens can read ({_rejections(corpus) or 'no files'}); "
                              f"it reads {', '.join(DOCUMENT_SUFFIXES)}")
        texts = {}
        proposed = 0
        if SOURCES_FILE in todo:
            texts[SOURCES_FILE] = sources_yaml(corpus)
        if CODEBOOK_FILE in todo:
            texts[CODEBOOK_FILE], proposed = entities_yaml(corpus, limit=entities)
    files = []
    for name, path in targets.items():
        if name not in todo:
            files.append(Written(path, "kept", "exists; --force overwrites it"))
            continue
        action = "overwrote" if path.exists() else "wrote"
        path.write_text(texts[name], encoding="utf-8")
        detail = (f"{len(corpus)} entries" if name == SOURCES_FILE else f"{proposed} proposed entities")
        files.append(Written(path, action, detail))
    report_dir = folder.resolve().parent / f"{folder.resolve().name}-report"
    commands = [f"presslens check {folder}", f"presslens run --corpus {folder} --out {report_dir}"]
    return InitResult(
        folder=folder, files=files, documents=len(corpus), comments=sum(len(d.comments) for d in corpus),
        rejected=corpus.rejected, proposed=proposed, next_commands=commands,
    )


@contextmanager
def pages_only(folder: Path) -> Iterator[Path]:
    """A temporary view of ``folder`` without its ``sources.yml`` and ``entities.yml``: what the pages alone say.

    Files are linked, not copied, where the file system allows it.
    """
    with tempfile.TemporaryDirectory(prefix="presslens-pages-") as tmp:
        view = Path(tmp)
        for file in sorted(folder.iterdir()):
            if not file.is_file() or file.name.startswith(".") or file.name in (SOURCES_FILE, CODEBOOK_FILE):
                continue
            try:
                (view / file.name).symlink_to(file.resolve())
            except OSError:
                shutil.copy2(file, view / file.name)
        yield view


def sources_yaml(corpus: Corpus) -> str:
    """``sources.yml`` text prefilled from what each page states (``Document.meta``), fields it lacks as comments.

    Every value written is checked against the schema (:func:`parse_field`); one that
    does not fit (a genre outside the list) is written as a comment with the reason.
    """
    lines = [
        "# What is known about each page of this folder; the pages themselves are never edited.",
        "# Written by `presslens init` from what each page states about itself (JSON-LD, Open Graph,",
        "# meta tags, the headline on the page): basis `stated`, evidence: where on the page.",
        "#",
        "# Edit it: correct a value, or fill in a field that is commented out. Two forms of a field:",
        f"#   outlet: The Daily Example                   the short form: basis stated, evidence \"{SHORT_FORM_EVIDENCE}\"",
        "#   outlet:                                     the full form, when the value is reasoned rather than read:",
        "#     value: The Daily Example",
        f"#     basis: inferred                           one of {', '.join(BASES)} (unknown: leave the value empty)",
        "#     evidence: the address is on example.com   how you know",
        f"# Fields: {', '.join(FIELDS)}.",
        "# published is an ISO 8601 date (YYYY-MM-DD); genre is one of " + ", ".join(GENRES) + ".",
        "# `presslens check .` tells whether the file fits; see the README, \"Your own story\".",
    ]
    if corpus.rejected:
        lines.append("#")
        lines.append("# Files presslens does not read (no entry for them):")
        lines.extend(f"#   {i.file}: {i.reason}" for i in corpus.rejected)
    lines += ["version: 1", "documents:" + ("" if corpus.documents else " {}")]
    for doc in corpus.documents:
        lines.append("")
        lines.append(f"  # {_summary(doc)}")
        lines.append(f"  {_key(doc.doc_id)}:")
        lines.append(f"    file: {_scalar(doc.file)}")
        missing = []
        for name in FIELDS:
            value = doc.meta(name)
            if not value.value or value.basis == "unknown":
                missing.append((name, ""))
                continue
            try:
                parse_field(name, {"value": value.value, "basis": value.basis, "evidence": value.evidence})
            except MetadataError as exc:
                missing.append((name, f"the page says {value.value!r} ({value.evidence}), which does not fit: "
                                      f"{str(exc).rpartition(': ')[2]}"))
                continue
            lines.append(f"    {name}:")
            lines.append(f"      value: {_scalar(value.value)}")
            lines.append(f"      basis: {value.basis}")
            lines.append(f"      evidence: {_scalar(value.evidence or 'the page')}")
        for name, why in missing:
            hint = why or _hint(doc, name)
            lines.append(f"    # {name + ':':<16} # {hint}")
    return "\n".join(lines) + "\n"


def _summary(doc: Document) -> str:
    kind = "HTML page" if doc.file.lower().endswith((".html", ".htm")) else "text page"
    parts = [kind, f"{doc.words:,} words", f"{len(doc.comments)} comment{'s' if len(doc.comments) != 1 else ''}"]
    if doc.layouts:
        parts.append("layout " + ", ".join(doc.layouts))
    return "; ".join(parts)


def _hint(doc: Document, name: str) -> str:
    hint = f"not stated on the page: {FIELD_HINTS[name]}"
    url = doc.meta("url").value
    if name == "outlet" and url:
        host = urlsplit(url).hostname or ""
        if host:
            hint += f" (the page's address is on {host.removeprefix('www.')})"
    return hint


def _scalar(value: str) -> str:
    """One YAML scalar on one line, quoted when YAML would read it otherwise."""
    text = yaml.safe_dump(value, allow_unicode=True, width=10_000, default_flow_style=True).strip()
    return text.removesuffix("\n...").removesuffix("...").strip()


def _key(doc_id: str) -> str:
    return _scalar(doc_id)


def entities_yaml(corpus: Corpus, *, limit: int = DEFAULT_ENTITIES) -> tuple[str, int]:
    """``entities.yml`` text bootstrapped from name discovery, and how many entries it proposes.

    The names found in most sources (:func:`discover_names` with an empty codebook),
    as :func:`discovery_yaml` writes them, each ``- name:`` line marked
    :data:`PROPOSED_MARK`. An entry that would break the codebook's rules beside the
    others (a spelling another entry already has) is left out.
    """
    found = discover_names(corpus, Codebook(entities=(), path=""))
    head = [
        "# Entity codebook of this story: one entry per real-world entity, with the spellings the pages use.",
        "# presslens.entities matches it against every body and comment; the pages are never edited.",
        "#",
        "# Fields of an entry:",
        "#   name       canonical name (also matched)                                  required",
        f"#   type       {' | '.join(TYPES):<62} required",
        "#   aliases    other full names and spellings: always counted                  optional list",
        "#   short      surnames and other partial names: counted in a document that     optional list",
        "#              names the entity in full, or when no other entry has them",
        "#   wikidata   Wikidata id (Q...), only when sure                               optional",
        "#   parent     name of the entry this one belongs to                           optional",
        "#   lowercase  true: also match text written all in lower case                  optional",
        "#   note       anything the analyst should know                                 optional",
        "#",
        "# PROPOSED ENTRIES. `presslens init` wrote the entries below from name discovery: the capitalised",
        "# names found in the most sources, each marked `# proposed`. They are counted as they stand, but",
        "# each is a guess: its type is guessed (the note says from what), its aliases are the spellings",
        "# discovery grouped, its short forms the single words it found with the full name. For each one:",
        "# fix the type, merge two entries that are one entity (one name, the other as an alias), add",
        "# surnames to short, delete what is not an entity, then delete the `# proposed` mark.",
        "# Names you add by hand need no mark. `presslens check .` tells whether the file fits.",
        "version: 1",
        "entities:",
    ]
    kept: list[int] = []
    rows = found.head(limit)
    for i in range(len(rows)):
        try:
            parse_codebook("entities:\n" + discovery_yaml(rows.iloc[kept + [i]]), source=CODEBOOK_FILE)
        except MetadataError:
            continue
        kept.append(i)
    body = discovery_yaml(rows.iloc[kept]).replace(
        "found by presslens.entities.discover_names", "proposed by presslens init (presslens.entities.discover_names)"
    )
    marked = [f"{line}  {PROPOSED_MARK}" if line.lstrip().startswith("- name:") else line for line in body.splitlines()]
    return "\n".join(head + marked) + "\n", len(kept)


def _rejections(corpus: Corpus) -> str:
    return "; ".join(f"{i.file}: {i.reason}" for i in corpus.rejected)


# ---------------------------------------------------------------------------
# check
# ---------------------------------------------------------------------------


def check_story(folder: str | Path, *, max_bytes: int | None = None) -> CheckResult:
    """Validate a story folder; every problem becomes a :class:`Finding`, none is raised.

    Errors: ``sources.yml`` or ``entities.yml`` malformed; an entry naming a file
    that is not in the folder (or whose name is not the file's, so its metadata
    would not attach); a file presslens rejects; no page at all. Warnings: no
    ``sources.yml`` or ``entities.yml``; pages without an entry; fields unknown for
    some pages; entities still marked proposed; what reading the pages warned.
    """
    folder = Path(folder)
    result = CheckResult(folder=folder)
    if not folder.is_dir():
        result.add("error", f"{folder}: folder not found")
        return result
    entries, broken = _check_sources(folder, result)
    _check_codebook(folder, result)
    try:
        if broken:  # read the pages alone, so the rest can still be checked
            with pages_only(folder) as view:
                corpus = load_corpus(view, max_bytes=max_bytes, within=folder)
        else:
            corpus = load_corpus(folder, max_bytes=max_bytes)
    except (CorpusError, MetadataError) as exc:
        result.add("error", f"the pages could not be read: {exc}")
        return result
    docs = {d.doc_id: d for d in corpus.documents}
    files = {i.file for i in corpus.inputs}
    for doc_id, entry in sorted(entries.items(), key=lambda kv: kv[1].line):
        where = f"{SOURCES_FILE}, line {entry.line}, entry {doc_id!r}"
        if entry.file:
            if not (folder / entry.file).is_file():
                result.add("error", f"{where}: names file {entry.file!r}, which is not in the folder")
            elif Path(entry.file).stem != doc_id:
                result.add("error", f"{where}: names file {entry.file!r}, but an entry attaches to the page whose "
                                    f"name without extension is the entry's: rename the entry {Path(entry.file).stem!r}")
        elif doc_id not in docs and not any(Path(f).stem == doc_id for f in files):
            result.add("error", f"{where}: no page {doc_id}{'/'.join(DOCUMENT_SUFFIXES)} in the folder "
                                "(an entry is named after its page's file name without extension)")
    for info in corpus.rejected:
        result.add("error", f"{info.file}: rejected: {info.reason}")
    if not corpus.documents:
        result.add("error", f"no page presslens can read in {folder} (it reads {', '.join(DOCUMENT_SUFFIXES)})")
    if (folder / SOURCES_FILE).exists() and not broken:
        lacking = [d for d in docs if d not in entries]
        if lacking:
            result.add("warning", f"{_count(len(lacking), 'page')} with no entry in {SOURCES_FILE} "
                                  f"(metadata only from the page): {_listing(lacking)}")
    for name in ("outlet", "title", "published") if not broken else ():
        unknown = [d.doc_id for d in corpus.documents if not d.meta(name).value]
        if unknown:
            result.add("warning", f"{name} unknown for {_count(len(unknown), 'page')}: {_listing(unknown)}")
    for file, message in corpus.warnings:
        if message.startswith(f"no entry in {SOURCES_FILE}") or file == SOURCES_FILE:
            continue
        result.add("warning", f"{file}: {message}")
    result.documents = len(corpus.documents)
    result.comments = sum(len(d.comments) for d in corpus.documents)
    result.words = sum(d.words for d in corpus.documents)
    return result


def _check_sources(folder: Path, result: CheckResult) -> tuple[dict, bool]:
    """The valid entries of ``sources.yml`` (every broken one an error), and whether any was broken."""
    path = folder / SOURCES_FILE
    if not path.exists():
        result.add("warning", f"no {SOURCES_FILE}: metadata only from what the pages state "
                              f"(`presslens init {folder}` writes one to edit)")
        return {}, False
    entries, problems = read_sources(folder)
    for problem in problems:
        result.add("error", str(problem))
    fits = "fits the schema" if not problems else f"{_count(len(problems), 'other')} broken"
    if entries or not problems:
        result.add("ok" if not problems else "warning", f"{SOURCES_FILE}: {_count(len(entries), 'entry', 'entries')} read, {fits}")
    return entries, bool(problems)


def _check_codebook(folder: Path, result: CheckResult) -> None:
    path = folder / CODEBOOK_FILE
    if not path.exists():
        result.add("warning", f"no {CODEBOOK_FILE}: no entity is counted (`presslens init {folder}` proposes one)")
        return
    try:
        book = load_codebook(path)
    except MetadataError as exc:
        result.add("error", str(exc))
        return
    proposed = sum(1 for line in path.read_text(encoding="utf-8").splitlines()
                   if line.lstrip().startswith("- name:") and line.rstrip().endswith(PROPOSED_MARK))
    result.add("ok", f"{CODEBOOK_FILE}: {_count(len(book), 'entity', 'entities')}, fits the schema")
    if proposed:
        result.add("warning", f"{CODEBOOK_FILE}: {proposed} of {len(book)} entries still marked proposed "
                              "(check each, then delete its `# proposed` mark)")


def _count(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def _listing(names: list[str], *, limit: int = 8) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")
