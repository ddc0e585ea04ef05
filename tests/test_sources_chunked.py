"""``sources.yml`` read entry by entry (:func:`presslens.ingest.metadata.read_sources_chunked`): the very entries
:func:`read_sources` reads from the whole file, or ``None`` so that the whole file is read."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from presslens.errors import MetadataError
from presslens.ingest import metadata
from presslens.ingest.cache import cached_sources
from presslens.ingest.metadata import entry_chunks, load_sources, read_sources, read_sources_chunked
from presslens.paths import CACHE_KEY_ENV, seeds_dir

ROOT = Path(__file__).resolve().parents[1]

#: the shapes YAML writers and analysts give the file: comments, quoted keys, keys around ``documents``, block scalars
VARIED = """\
# notes at the top
version: 1
documents:
  # the first entry
  'a-1':
    file: a-1.txt
    outlet: Reuters   # the short form
    title:
      value: "Quoted: with a colon"
      basis: stated
      evidence: |
        a block scalar
          kept as written

  "b 2":
    file: b 2.txt
    genre: {value: news, basis: inferred, evidence: flow style inside an entry}
    segmentation:
      boilerplate:
        - '^Subscribe'
      title_line: 2
  c3:
    file: c3.txt
    published: 2019-11-18
    evidence_of_nothing_else: ~
extra:
  anything: [1, 2]
"""


@pytest.fixture(autouse=True)
def key_file(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "config" / "cache.key"
    monkeypatch.setenv(CACHE_KEY_ENV, str(path))
    return path


def _whole(path: Path) -> tuple[list[str], list[str]]:
    """The entries as read_sources reads the whole file (reprs, lines included) and its problems."""
    entries, problems = read_sources(path.parent)
    return [repr(e) for e in entries.values()], [str(p) for p in problems]


def _write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "sources.yml"
    path.write_text(text, encoding="utf-8")
    return path


def _corpora(tmp_path: Path) -> list[Path]:
    from benchmarks.synthetic import write_corpus

    varied = VARIED.replace("    evidence_of_nothing_else: ~\n", "")
    return [
        seeds_dir() / "sources.yml",
        ROOT / "tests" / "data" / "hostile" / "sources.yml",
        write_corpus(60, tmp_path / "synthetic") / "sources.yml",
        _write(tmp_path / "varied", varied),
    ]


def test_entry_by_entry_gives_the_entries_of_the_whole_file_on_every_corpus_of_the_tests(tmp_path):
    for path in _corpora(tmp_path):
        read = read_sources_chunked(path, path.read_text(encoding="utf-8"), {})
        assert read is not None, path
        entries, keep = read
        whole, problems = _whole(path)
        assert problems == []
        assert [repr(e) for e in entries.values()] == whole, path
        assert len(keep) == len(entries)  # no & or *: every entry is kept for the next read


def test_an_entry_added_in_the_middle_is_the_only_one_read_and_every_line_follows_it(tmp_path, monkeypatch):
    from benchmarks.synthetic import write_corpus

    path = write_corpus(40, tmp_path / "corpus") / "sources.yml"
    _, keep = read_sources_chunked(path, path.read_text(encoding="utf-8"), {})
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["documents"]["00120_inserted"] = {"file": "00120_inserted.txt", "outlet": "An Outlet"}
    path.write_text(yaml.safe_dump(data, sort_keys=True, allow_unicode=True), encoding="utf-8")  # as write_corpus
    parsed: list[str] = []
    real = metadata._parse_entry
    monkeypatch.setattr(metadata, "_parse_entry", lambda doc_id, raw, **kw: parsed.append(doc_id) or real(doc_id, raw, **kw))
    entries, _ = read_sources_chunked(path, path.read_text(encoding="utf-8"), keep)
    assert parsed == ["00120_inserted"]
    whole, _ = _whole(path)
    assert [repr(e) for e in entries.values()] == whole  # the lines after the new entry moved, in the entries too
    first, last = list(entries.values())[0], list(entries.values())[-1]
    assert first.line < entries["00120_inserted"].line < last.line


@pytest.mark.parametrize("text", [
    "documents: {a: {file: a.txt}}\n",  # flow style
    "\ufeffdocuments:\n  a:\n    file: a.txt\n",  # a BOM
    "%YAML 1.2\n---\ndocuments:\n  a:\n    file: a.txt\n",  # a directive and a document marker
    "documents:\n  ? a\n  : file: a.txt\n",  # a complex key
    "documents:\n  - a\n",  # a sequence
    "documents:\n  a:\n    file: a.txt\r\n  b:\n    file: b.txt\n",  # \r line breaks
    "documents:\n    a:\n      file: a.txt\n  b:\n    file: b.txt\n",  # an entry less indented than the first
    "documents:\n",  # no entries
    "documents:\n  a:\n    file: a.txt\ndocuments:\n  b:\n    file: b.txt\n",  # documents twice
])
def test_a_file_not_of_the_plain_shape_is_not_cut(text):
    assert entry_chunks(text) is None
    assert read_sources_chunked(Path("sources.yml"), text, {}) is None


@pytest.mark.parametrize("text", [
    "documents:\n  a:\n    file: a.txt\n  b:\n    file: 'unclosed\n",  # invalid YAML in one entry
    "documents:\n  a:\n    file: a.txt\n  b:\n    colour: blue\n",  # a schema error
    "documents:\n  a:\n    file: a.txt\n  a:\n    file: b.txt\n",  # a key given twice
    "documents:\n  a:\n    file: a.txt\n  'a':\n    file: b.txt\n",  # the same key, quoted
    "documents:\n  a: &x\n    file: a.txt\n  b: *x\n",  # an alias: two entries naming one file
    "documents:\n  a:\n    file: a.txt\n  b:\n    file: b.txt\n    outlet: *nowhere\n",  # an alias to nothing
    "version: [unclosed\ndocuments:\n  a:\n    file: a.txt\n",  # invalid YAML in another top-level key
])
def test_a_problem_anywhere_reads_the_whole_file_and_names_it_as_the_whole_file_does(tmp_path, text):
    path = _write(tmp_path / "corpus", text)
    whole, problems = _whole(path)
    read = read_sources_chunked(path, text, {})
    if problems:
        assert read is None
        with pytest.raises(MetadataError) as cached:
            cached_sources(tmp_path / "cache", path, lambda: load_sources(path.parent))
        assert str(cached.value) == problems[0]
    else:  # read without a problem: the same entries either way
        assert read is not None and [repr(e) for e in read[0].values()] == whole


def test_an_entry_kept_from_an_earlier_read_never_hides_a_problem_of_the_file(tmp_path):
    path = _write(tmp_path / "corpus", "documents:\n  a:\n    file: a.txt\n  b:\n    file: b.txt\n")
    _, keep = read_sources_chunked(path, path.read_text(encoding="utf-8"), {})
    again = "documents:\n  a:\n    file: a.txt\n  b:\n    file: b.txt\n  a:\n    file: a.txt\n"  # a kept entry given twice
    assert read_sources_chunked(path, again, keep) is None


def test_an_alias_is_read_again_with_its_anchor_never_kept_stale(tmp_path):
    text = ("documents:\n  a:\n    file: a.txt\n    outlet: &o Reuters\n"
            "  b:\n    file: b.txt\n    outlet: *o\n  c:\n    file: c.txt\n")
    path = _write(tmp_path / "corpus", text)
    entries, keep = read_sources_chunked(path, text, {})
    assert entries["b"].get("outlet").value == "Reuters"
    assert sorted(e.doc_id for e in keep.values()) == ["c"]
    edited = text.replace("&o Reuters", "&o AP")
    path.write_text(edited, encoding="utf-8")
    entries, _ = read_sources_chunked(path, edited, keep)
    assert entries["b"].get("outlet").value == "AP"
    assert [repr(e) for e in entries.values()] == _whole(path)[0]


def test_the_runs_plan_checks_sources_yml_through_the_cache_and_the_build_finds_it_kept(tmp_path, monkeypatch):
    from presslens.ingest.corpus import load_corpus
    from presslens.report.plan import check_story_files

    corpus = tmp_path / "corpus"
    shutil.copytree(seeds_dir(), corpus, ignore=shutil.ignore_patterns("notes"))
    parsed: list[str] = []
    real = metadata._parse_entry
    monkeypatch.setattr(metadata, "_parse_entry", lambda doc_id, raw, **kw: parsed.append(doc_id) or real(doc_id, raw, **kw))
    check_story_files(corpus, cache_dir=tmp_path / "cache")
    assert len(parsed) == len(load_sources(corpus))
    parsed.clear()
    load_corpus(corpus, cache_dir=tmp_path / "cache")
    assert parsed == []
    (corpus / "sources.yml").write_text("documents:\n  x:\n    colour: blue\n", encoding="utf-8")
    with pytest.raises(MetadataError, match="unknown field"):
        check_story_files(corpus, cache_dir=tmp_path / "cache")


def test_an_entry_added_above_the_others_makes_the_build_compute_only_its_document(tmp_path):
    from presslens import pipeline
    from presslens.build.cache import document_key, document_keys
    from presslens.ingest.corpus import load_corpus

    corpus = tmp_path / "corpus"
    shutil.copytree(seeds_dir(), corpus, ignore=shutil.ignore_patterns("notes"))
    cache = tmp_path / "cache"
    first = pipeline.build(corpus, tmp_path / "a", jobs=1, cache_dir=cache)
    assert first.stats["processed"]["document"] == 5
    doc = next(corpus.glob("001_*.txt"))
    (corpus / "900_new.txt").write_text(doc.read_text(encoding="utf-8").replace("the", "a", 5), encoding="utf-8")
    text = (corpus / "sources.yml").read_text(encoding="utf-8")
    (corpus / "sources.yml").write_text(
        text.replace("documents:\n", "documents:\n  900_new:\n    file: 900_new.txt\n    outlet: An Outlet\n", 1), encoding="utf-8")
    again = pipeline.build(corpus, tmp_path / "b", jobs=1, cache_dir=cache)
    assert again.stats["processed"]["document"] == 1  # the five others only moved down three lines in sources.yml
    assert again.stats["cached"]["document"] == 5
    fresh = pipeline.build(corpus, tmp_path / "c", jobs=1)
    for name in fresh.tables:
        assert (tmp_path / "b" / f"{name}.csv").read_bytes() == (tmp_path / "c" / f"{name}.csv").read_bytes(), name
    # the keys are remembered per loaded corpus, and follow a corpus whose documents change
    loaded = load_corpus(corpus)
    assert document_keys(loaded) == tuple(map(document_key, loaded.documents))
    loaded.documents = loaded.documents[1:]
    assert document_keys(loaded) == tuple(map(document_key, loaded.documents))
