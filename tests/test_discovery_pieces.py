"""Discovery's pieces and the quotations kept per document (:func:`presslens.ingest.views.kept_per_document`): the same candidates,
and a run after adding a document reads the other documents' pieces instead of reading their words again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from presslens.ingest.views import VIEWS_DIR, _VIEWS_IN, keep_views_in
from presslens.entities import discovery, provisional
from presslens.entities.codebook import Codebook
from presslens.ingest.corpus import load_corpus
from presslens.paths import CACHE_KEY_ENV, seeds_dir


@pytest.fixture(autouse=True)
def key_file(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "config" / "cache.key"
    monkeypatch.setenv(CACHE_KEY_ENV, str(path))
    return path


@pytest.fixture(autouse=True)
def no_pieces_folder():
    yield
    keep_views_in(None)


@pytest.fixture
def counted(monkeypatch) -> list[str]:
    """The documents whose pieces are made (read word by word)."""
    made: list[str] = []
    real = discovery._document_pieces
    monkeypatch.setattr(discovery, "_document_pieces", lambda doc, book: made.append(doc.doc_id) or real(doc, book))
    return made


def _corpus(tmp_path: Path) -> Path:
    from benchmarks.synthetic import write_corpus

    return write_corpus(40, tmp_path / "corpus")


def test_kept_pieces_give_the_candidates_of_a_fresh_discovery_and_are_read_back(tmp_path, counted):
    folder = _corpus(tmp_path)
    corpus = load_corpus(folder)
    fresh = discovery.discover_names(corpus)
    without = discovery.discover_names(corpus, Codebook(entities=(), path=""))
    keep_views_in(tmp_path / "cache")
    counted.clear()
    assert discovery.discover_names(corpus).equals(fresh)
    assert len(counted) == len(corpus)
    counted.clear()
    again = load_corpus(folder)  # another process's load: the same documents
    assert discovery.discover_names(again).equals(fresh)
    assert counted == []
    assert discovery.discover_names(again, Codebook(entities=(), path="")).equals(without)  # pieces per codebook
    assert len(counted) == len(corpus)
    assert len(list((tmp_path / "cache" / VIEWS_DIR).glob("discovery-*"))) == 2


def test_after_adding_a_document_only_its_pieces_are_made_and_the_candidates_follow_the_whole_corpus(tmp_path, counted):
    folder = _corpus(tmp_path)
    keep_views_in(tmp_path / "cache")
    discovery.discover_names(load_corpus(folder))
    # a document that capitalises a word mid-sentence changes which first words of sentences other documents keep
    (folder / "zz_new.txt").write_text(
        "Tehran Reporter\n\nOfficials said Ghorbani Station opened. Officials met Ghorbani Station staff in Tehran again.\n",
        encoding="utf-8")
    counted.clear()
    grown = load_corpus(folder)
    kept = discovery.discover_names(grown)
    assert counted == ["zz_new"]
    keep_views_in(None)
    assert kept.equals(discovery.discover_names(grown))


def test_a_damaged_or_foreign_pieces_file_is_made_again(tmp_path, counted, monkeypatch):
    corpus = load_corpus(seeds_dir())
    keep_views_in(tmp_path / "cache")
    fresh = discovery.discover_names(corpus)
    (path,) = (tmp_path / "cache" / VIEWS_DIR).glob("discovery-*")
    path.write_bytes(path.read_bytes()[:-10])
    counted.clear()
    assert discovery.discover_names(corpus).equals(fresh)
    assert len(counted) == len(corpus)
    monkeypatch.setenv(CACHE_KEY_ENV, str(tmp_path / "other" / "cache.key"))
    counted.clear()
    assert discovery.discover_names(corpus).equals(fresh)
    assert len(counted) == len(corpus)


def test_the_build_keeps_the_provisional_codebooks_pieces_and_leaves_the_setting_as_it_found_it(tmp_path, counted):
    from presslens import pipeline

    folder = tmp_path / "nobook"
    shutil.copytree(seeds_dir(), folder, ignore=shutil.ignore_patterns("notes", "entities.yml"))
    pipeline.build(folder, tmp_path / "a", jobs=1, cache_dir=tmp_path / "cache")
    assert len(counted) == 5  # the provisional codebook is discovered in the build
    assert _VIEWS_IN == []
    counted.clear()
    keep_views_in(tmp_path / "cache")  # as corpus_for does in a kernel of the run
    provisional._MEMO.clear()
    provisional.provisional_codebook(load_corpus(folder))
    assert counted == []


def test_quotations_are_kept_per_document_and_a_view_of_a_few_documents_keeps_the_others(tmp_path, monkeypatch):
    from dataclasses import replace

    from presslens.reuse import quotematrix

    made: list[str] = []
    real = quotematrix._document_quotes
    monkeypatch.setattr(quotematrix, "_document_quotes", lambda doc, n: made.append(doc.doc_id) or real(doc, n))
    folder = _corpus(tmp_path)
    corpus = load_corpus(folder)
    fresh = quotematrix.quotes_table(corpus)
    matrix = quotematrix.quote_matrix(corpus)
    keep_views_in(tmp_path / "cache")
    made.clear()
    assert quotematrix.quotes_table(corpus).equals(fresh)
    assert len(made) == len(corpus)
    few = replace(corpus, documents=corpus.documents[:3])
    made.clear()
    assert quotematrix.quotes_table(few).equals(fresh[fresh["doc_id"].isin([d.doc_id for d in few])].reset_index(drop=True))
    assert made == []
    assert quotematrix.quote_matrix(load_corpus(folder)).equals(matrix)  # min_words 3: another view, made once
    made.clear()
    assert quotematrix.quotes_table(load_corpus(folder)).equals(fresh)
    assert made == []
