"""The corpus cache (``load_corpus(..., cache_dir=...)``, :mod:`presslens.ingest.cache`): the same corpus as a fresh load,
with only new or changed files decoded and segmented."""

from __future__ import annotations

import dataclasses
import os
import pickle
import shutil
from pathlib import Path

import pytest

from presslens.ingest import corpus as corpus_module
from presslens.ingest.cache import CORPUS_CACHE_DIR, LAST_RUN_FILE, file_key
from presslens.ingest.corpus import Document, load_corpus
from presslens.errors import CorpusError
from presslens.paths import CACHE_KEY_ENV, seeds_dir

ROOT = Path(__file__).resolve().parents[1]
HTML_PAGE = ROOT / "tests" / "data" / "comment_pages" / "hn-yahnac-askhn-2015.excerpt.html"


@pytest.fixture(autouse=True)
def key_file(tmp_path, monkeypatch) -> Path:
    """This test's own installation key, outside the cache folder."""
    path = tmp_path / "config" / "cache.key"
    monkeypatch.setenv(CACHE_KEY_ENV, str(path))
    return path


@pytest.fixture
def calls(monkeypatch) -> dict[str, list[str]]:
    """Counts the costly steps: decoding, text-page segmentation, web-page reading (file names, in order)."""
    seen: dict[str, list[str]] = {"decode": [], "segment": [], "webpage": []}
    decode, segment, webpage = corpus_module.decode_bytes, corpus_module.segment_page, corpus_module.read_web_page

    def counted_decode(data, *, name, **kw):
        seen["decode"].append(name)
        return decode(data, name=name, **kw)

    def counted_segment(text, **kw):
        seen["segment"].append(text[:40])
        return segment(text, **kw)

    def counted_webpage(markup, *, name, **kw):
        seen["webpage"].append(name)
        return webpage(markup, name=name, **kw)

    monkeypatch.setattr(corpus_module, "decode_bytes", counted_decode)
    monkeypatch.setattr(corpus_module, "segment_page", counted_segment)
    monkeypatch.setattr(corpus_module, "read_web_page", counted_webpage)
    return seen


def _reset(calls: dict[str, list[str]]) -> None:
    for v in calls.values():
        v.clear()


def assert_same(cached, fresh) -> None:
    """Every Document field, the inputs (rejected files and reasons), the warnings and the order are the same."""
    assert [d.doc_id for d in cached.documents] == [d.doc_id for d in fresh.documents]
    for a, b in zip(cached.documents, fresh.documents):
        for f in dataclasses.fields(Document):
            assert getattr(a, f.name) == getattr(b, f.name), (a.doc_id, f.name)
        assert repr(a) == repr(b)
    assert cached.inputs == fresh.inputs
    assert [(i.file, i.reason) for i in cached.rejected] == [(i.file, i.reason) for i in fresh.rejected]
    assert cached.warnings == fresh.warnings
    assert cached.path == fresh.path


def _sources_edit(folder: Path, old: str, new: str) -> None:
    path = folder / "sources.yml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def mixed(tmp_path) -> Path:
    """The seeds plus an HTML page, a page without a sources.yml entry, a duplicate, an empty, a binary and a no-body file,
    and a file whose name is not valid UTF-8."""
    folder = tmp_path / "corpus"
    shutil.copytree(seeds_dir(), folder, ignore=shutil.ignore_patterns("notes"))
    seeds = sorted(folder.glob("*.txt"))
    shutil.copyfile(HTML_PAGE, folder / "hn_page.html")
    text = seeds[1].read_text(encoding="utf-8")
    (folder / "900_no_entry.txt").write_text(text.replace("the", "a", 3), encoding="utf-8")
    shutil.copyfile(seeds[2], folder / "901_duplicate.txt")
    (folder / "902_empty.txt").write_bytes(b"")
    (folder / "903_binary.txt").write_bytes(b"\x00\x01\x02 binary \x00")
    (folder / "904_unsupported.pdf").write_bytes(b"%PDF-1.4")
    (folder / "905_nobody.txt").write_text("Subscribe\n", encoding="utf-8")
    with open(os.fsencode(folder) + b"/906_caf\xe9.txt", "wb") as handle:
        handle.write(text.replace("the", "one", 2).encode("utf-8"))
    return folder


def test_the_seeds_from_the_cache_equal_the_seeds_loaded_fresh_and_are_not_segmented_again(tmp_path, calls):
    cache = tmp_path / "cache"
    fresh = load_corpus(seeds_dir())
    cold = load_corpus(seeds_dir(), cache_dir=cache)
    assert len(calls["segment"]) == 2 * len(fresh)  # the fresh load and the cold one
    assert_same(cold, fresh)
    assert (cache / CORPUS_CACHE_DIR / LAST_RUN_FILE).is_file()
    assert len(list((cache / CORPUS_CACHE_DIR / "documents").glob("*/*.pkl"))) == len(fresh)
    _reset(calls)
    warm = load_corpus(seeds_dir(), cache_dir=cache)
    assert calls == {"decode": [], "segment": [], "webpage": []}
    assert_same(warm, fresh)
    # the per-document files alone give the same corpus (the last-run file gone)
    (cache / CORPUS_CACHE_DIR / LAST_RUN_FILE).unlink()
    assert_same(load_corpus(seeds_dir(), cache_dir=cache), fresh)
    assert calls["segment"] == []


def test_without_a_cache_folder_nothing_is_kept(tmp_path, calls):
    load_corpus(seeds_dir())
    load_corpus(seeds_dir())
    assert len(calls["segment"]) == 10
    assert not any(tmp_path.glob("**/corpus-v*"))


def test_rejected_files_warnings_renamed_files_and_duplicates_survive_the_cache(tmp_path, mixed, calls):
    cache = tmp_path / "cache"
    fresh = load_corpus(mixed)
    reasons = {i.file: i.reason for i in fresh.rejected}
    assert {"901_duplicate.txt", "902_empty.txt", "903_binary.txt", "904_unsupported.pdf", "905_nobody.txt"} <= set(reasons)
    assert "exact duplicate" in reasons["901_duplicate.txt"]
    assert any("not valid UTF-8" in w for _, w in fresh.warnings)
    assert any(d.doc_id == "hn_page" for d in fresh.documents)
    assert any("no entry in sources.yml" in w for d in fresh.documents for w in d.warnings)
    load_corpus(mixed, cache_dir=cache)
    _reset(calls)
    warm = load_corpus(mixed, cache_dir=cache)
    assert calls == {"decode": [], "segment": [], "webpage": []}
    assert_same(warm, fresh)


def test_an_added_a_changed_a_deleted_file_and_an_edited_entry_are_all_that_is_loaded_again(tmp_path, mixed, calls):
    cache = tmp_path / "cache"
    load_corpus(mixed, cache_dir=cache)
    seeds = sorted(p for p in mixed.glob("0*.txt") if p.name[:3] in ("000", "001", "002", "003", "004"))
    # added: a new page; changed: seed 003's text; deleted: seed 004; edited: seed 000's sources.yml entry (bytes unchanged)
    (mixed / "907_added.txt").write_text(seeds[1].read_text(encoding="utf-8").replace("the", "this", 4), encoding="utf-8")
    changed = seeds[3]
    changed.write_text(changed.read_text(encoding="utf-8").replace("the", "that", 5), encoding="utf-8")
    seeds[4].unlink()
    entry_doc = seeds[0].stem
    before = load_corpus(mixed).__getitem__(entry_doc).meta("outlet").value
    assert before
    _sources_edit(mixed, before, "An Edited Outlet")
    _reset(calls)
    warm = load_corpus(mixed, cache_dir=cache)
    assert sorted(calls["decode"]) == sorted(["907_added.txt", changed.name, seeds[0].name])
    assert len(calls["segment"]) == 3 and calls["webpage"] == []
    assert warm[entry_doc].meta("outlet").value == "An Edited Outlet"
    _reset(calls)
    assert_same(warm, load_corpus(mixed))
    # and the next run reads it all from the cache again
    _reset(calls)
    again = load_corpus(mixed, cache_dir=cache)
    assert calls["segment"] == [] and calls["decode"] == []
    assert_same(again, warm)


def test_a_duplicate_is_decided_on_every_load_not_kept(tmp_path, mixed, calls):
    cache = tmp_path / "cache"
    load_corpus(mixed, cache_dir=cache)
    original = sorted(mixed.glob("002_*.txt"))[0]
    original.unlink()  # the duplicate is now the only copy: accepted
    warm = load_corpus(mixed, cache_dir=cache)
    assert any(d.doc_id == "901_duplicate" for d in warm.documents)
    assert_same(warm, load_corpus(mixed))


def test_a_cached_rejection_is_still_fatal_in_strict_mode(tmp_path, mixed):
    cache = tmp_path / "cache"
    load_corpus(mixed, cache_dir=cache)
    with pytest.raises(CorpusError) as fresh:
        load_corpus(mixed, strict=True)
    with pytest.raises(CorpusError) as cached:
        load_corpus(mixed, strict=True, cache_dir=cache)
    assert str(cached.value) == str(fresh.value)


def test_damaged_unsigned_or_foreign_cache_files_are_misses_never_unpickled(tmp_path, calls):
    cache = tmp_path / "cache"
    fresh = load_corpus(seeds_dir())
    load_corpus(seeds_dir(), cache_dir=cache)
    marker = tmp_path / "pwned"
    folder = cache / CORPUS_CACHE_DIR
    files = [folder / LAST_RUN_FILE, *sorted((folder / "documents").glob("*/*.pkl"))]
    planted = pickle.dumps(_Planted(str(marker)))
    for i, path in enumerate(files):
        data = path.read_bytes()
        path.write_bytes(planted if i % 3 == 0 else data[: len(data) // 2] if i % 3 == 1 else data[:-1] + b"x")
    _reset(calls)
    warm = load_corpus(seeds_dir(), cache_dir=cache)
    assert not marker.exists()
    assert len(calls["segment"]) == len(fresh)
    assert_same(warm, fresh)
    # written again, and signed: the next load reads it
    _reset(calls)
    assert_same(load_corpus(seeds_dir(), cache_dir=cache), fresh)
    assert calls["segment"] == []


def test_a_cache_signed_with_another_key_is_a_miss(tmp_path, monkeypatch, calls):
    cache = tmp_path / "cache"
    load_corpus(seeds_dir(), cache_dir=cache)
    monkeypatch.setenv(CACHE_KEY_ENV, str(tmp_path / "other" / "cache.key"))
    _reset(calls)
    assert_same(load_corpus(seeds_dir(), cache_dir=cache), load_corpus(seeds_dir()))
    assert len(calls["segment"]) == 10  # the cached load and the fresh one both segment


def test_a_cache_that_cannot_be_written_never_fails_the_load(tmp_path, calls):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    fresh = load_corpus(seeds_dir())
    assert_same(load_corpus(seeds_dir(), cache_dir=blocked), fresh)
    assert_same(load_corpus(seeds_dir(), cache_dir=blocked / "below"), fresh)


def test_the_key_holds_bytes_name_entry_options_and_format():
    corpus = load_corpus(seeds_dir())
    doc = corpus.documents[0]
    base = file_key(doc.file, doc.sha256, doc.source, max_bytes=100)
    edited = dataclasses.replace(doc.source, file=doc.source.file + ".bak")
    moved = dataclasses.replace(doc.source, line=doc.source.line + 1)  # an entry added above it: the same document
    assert file_key(doc.file, doc.sha256, moved, max_bytes=100) == base
    assert len({
        base,
        file_key("other.txt", doc.sha256, doc.source, max_bytes=100),
        file_key(doc.file, "0" * 64, doc.source, max_bytes=100),
        file_key(doc.file, doc.sha256, None, max_bytes=100),
        file_key(doc.file, doc.sha256, edited, max_bytes=100),
        file_key(doc.file, doc.sha256, doc.source, max_bytes=200),
    }) == 6
    assert base == file_key(doc.file, doc.sha256, doc.source, max_bytes=100)


def test_the_build_passes_its_cache_folder_and_none_without_one(tmp_path, monkeypatch):
    from presslens.build import pipeline

    asked = []

    class Stop(Exception):
        pass

    def spy(path, **kw):
        asked.append(kw.get("cache_dir"))
        raise Stop

    monkeypatch.setattr(pipeline, "load_corpus", spy)
    for cache_dir in (tmp_path / "cache", None):  # ``--no-cache`` gives the build no cache folder
        with pytest.raises(Stop):
            pipeline.build(seeds_dir(), tmp_path / "data", cache_dir=cache_dir)
    assert asked == [tmp_path / "cache", None]


class _Planted:
    """A pickle that would write a file if it were ever unpickled."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (exec, (f"open({self.marker!r}, 'w').write('pwned')",))


def test_sources_yml_is_parsed_again_only_when_its_bytes_change_and_then_only_its_changed_entries(tmp_path, mixed, monkeypatch):
    from presslens.ingest import metadata

    cache = tmp_path / "cache"
    parsed: list[str] = []
    real = metadata._parse_entry
    monkeypatch.setattr(metadata, "_parse_entry", lambda doc_id, raw, **kw: parsed.append(doc_id) or real(doc_id, raw, **kw))
    entries = len(metadata.load_sources(mixed))
    parsed.clear()
    load_corpus(mixed, cache_dir=cache)
    assert len(parsed) == entries
    load_corpus(mixed, cache_dir=cache)
    assert len(parsed) == entries  # the same bytes: nothing read
    edited = sorted(mixed.glob("001_*.txt"))[0].stem
    outlet = load_corpus(mixed)[edited].meta("outlet").value
    parsed.clear()
    _sources_edit(mixed, outlet, "Another Outlet")
    warm = load_corpus(mixed, cache_dir=cache)
    assert parsed == [edited]  # only the edited entry (metadata.read_sources_chunked)
    assert_same(warm, load_corpus(mixed))
    # a sources.yml the chunked reader cannot cut (\r\n line breaks) is read whole, to the same corpus
    text = (mixed / "sources.yml").read_text(encoding="utf-8")
    (mixed / "sources.yml").write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    parsed.clear()
    assert_same(load_corpus(mixed, cache_dir=cache), load_corpus(mixed))
    assert len(parsed) == 2 * entries
    # a malformed sources.yml raises every time, from the cache as without
    (mixed / "sources.yml").write_text("documents: [unclosed\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(metadata.MetadataError):
            load_corpus(mixed, cache_dir=cache)
    # a FIFO named sources.yml is refused as without a cache, never waited on
    (mixed / "sources.yml").unlink()
    os.mkfifo(mixed / "sources.yml")
    with pytest.raises(metadata.MetadataError) as cached:
        load_corpus(mixed, cache_dir=cache)
    with pytest.raises(metadata.MetadataError) as fresh:
        load_corpus(mixed)
    assert str(cached.value) == str(fresh.value)


def test_an_entry_added_above_others_moves_their_lines_but_loads_only_its_own_document_again(tmp_path, mixed, calls):
    cache = tmp_path / "cache"
    load_corpus(mixed, cache_dir=cache)
    _sources_edit(mixed, "documents:\n", "documents:\n  900_no_entry:\n    file: 900_no_entry.txt\n    outlet: An Outlet\n")
    _reset(calls)
    warm = load_corpus(mixed, cache_dir=cache)
    assert len(calls["segment"]) == 1  # the document whose entry is new; the others only moved down three lines
    fresh = load_corpus(mixed)
    assert_same(warm, fresh)  # their entries' lines included
    assert warm["900_no_entry"].meta("outlet").value == "An Outlet"


def test_the_last_run_file_is_not_rewritten_for_one_added_file_and_the_file_is_read_from_its_own_cache_file(tmp_path, mixed, calls):
    cache = tmp_path / "cache"
    load_corpus(mixed, cache_dir=cache)
    last = cache / CORPUS_CACHE_DIR / LAST_RUN_FILE
    before = last.read_bytes()
    text = sorted(mixed.glob("00*.txt"))[1].read_text(encoding="utf-8")
    (mixed / "907_added.txt").write_text(text.replace("the", "one", 4), encoding="utf-8")
    _reset(calls)
    load_corpus(mixed, cache_dir=cache)
    assert len(calls["segment"]) == 1
    assert last.read_bytes() == before  # one file more: within the slack (presslens.io.worth_rewriting)
    _reset(calls)
    assert_same(load_corpus(mixed, cache_dir=cache), load_corpus(mixed))
    assert len(calls["segment"]) == len(load_corpus(mixed).documents)  # only the fresh load segments


def test_the_build_removes_the_folders_of_older_cache_formats_and_nothing_else(tmp_path):
    from presslens import pipeline
    from presslens.build.cache import CACHE_FORMAT

    cache = tmp_path / "cache"
    keep = [cache / f"v{CACHE_FORMAT + 1}", cache / "notes", cache / "v1.bak"]
    old = [cache / "v1" / "documents", cache / "reuse-v1", cache / "corpus-v0", cache / "views-v0"]
    for folder in keep + old:
        folder.mkdir(parents=True)
        (folder / "file.pkl").write_bytes(b"kept by someone")
    pipeline.build(seeds_dir(), tmp_path / "data", jobs=1, cache_dir=cache)
    assert all(not (cache / p.relative_to(cache).parts[0]).exists() for p in old)
    assert all((p / "file.pkl").read_bytes() == b"kept by someone" for p in keep)
    assert (cache / f"v{CACHE_FORMAT}").is_dir() and (cache / CORPUS_CACHE_DIR).is_dir()


def test_a_load_through_the_cache_keeps_the_documents_digests_on_the_corpus_as_worked_out_afresh(tmp_path, mixed, calls):
    """The digests a cached load keeps on the corpus (from the corpus cache's digests file for the documents it read
    from the cache) are document_digest of each document, also after an entry above others moved their lines, for a
    changed file, and in the build's snapshot; a corpus of other documents works its own out."""
    import pickle as _pickle

    from presslens.ingest.cache import DIGESTS_FILE, kept_digests
    from presslens.ingest.views import document_digest, document_digests

    cache = tmp_path / "cache"
    first = load_corpus(mixed, cache_dir=cache)
    assert kept_digests(first) == tuple(document_digest(d) for d in first.documents)
    assert (cache / CORPUS_CACHE_DIR / DIGESTS_FILE).is_file()
    assert load_corpus(mixed, cache_dir=None) is not None and kept_digests(load_corpus(mixed)) is None  # no cache: none kept
    # an entry added above the others moves their lines (in no digest); a changed file gets its new digest
    _sources_edit(mixed, "documents:\n", "documents:\n  zz-new:\n    file: zz-new.txt\n    outlet: Added Above\n")
    body = sorted(p for p in mixed.glob("*.txt"))[0]
    body.write_text(body.read_text(encoding="utf-8") + "\n\nOne more paragraph written after the first load.\n", encoding="utf-8")
    _reset(calls)
    again = load_corpus(mixed, cache_dir=cache)
    assert len(calls["decode"]) == 1  # only the changed file was decoded
    assert kept_digests(again) == tuple(document_digest(d) for d in again.documents)
    assert document_digests(again) == kept_digests(again)
    assert document_digest(next(d for d in again.documents if d.file == body.name)) != \
        document_digest(next(d for d in first.documents if d.file == body.name))
    # the digests travel with a pickled corpus (the build's snapshot) and are dropped when its documents differ
    thawed = _pickle.loads(_pickle.dumps(again))
    assert kept_digests(thawed) == kept_digests(again)
    fewer = dataclasses.replace(again, documents=again.documents[1:])
    assert kept_digests(fewer) is None
    assert document_digests(fewer) == tuple(document_digest(d) for d in fewer.documents)
    again.documents.pop()  # a corpus edited in place (the library never does): its kept digests no longer match
    assert kept_digests(again) is None
