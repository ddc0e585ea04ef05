"""What a build remembers between runs beyond the per-document tables (issue #18): the masked sentences' VADER scores
and the bootstrap intervals of the corpus-level tables (``last-run/remembered.pkl``), the last run's tables kept
while the corpus drifts little, and entity counts from the documents table's word counts."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from benchmarks.synthetic import synthetic_documents, write_corpus
from presslens import __version__, pipeline
from presslens.build import cache as build_cache
from presslens.corpus import load_corpus
from presslens.entities import entity_counts_table
from presslens.io import read_pickle, write_pickle
from presslens.sentiment import rollups
from presslens.tables import documents_table
from presslens.text import TextMemo, clear_memos, vader
from test_scale import _csv_bytes as _tables, _reference


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    return write_corpus(30, tmp_path_factory.mktemp("syn") / "corpus", seed=9)


class _Counter:
    """Counts VADER's own scoring and the bootstrap's resampling while a build runs."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.vader = 0
        self.resamples = 0
        score, rng = vader.polarity_scores, np.random.default_rng

        def counted_score(*args, **kwargs):
            self.vader += 1
            return score(*args, **kwargs)

        def counted_rng(*args, **kwargs):
            self.resamples += 1
            return rng(*args, **kwargs)

        monkeypatch.setattr(vader, "polarity_scores", counted_score)
        monkeypatch.setattr(rollups.np.random, "default_rng", counted_rng)


def _remembered(cache: Path) -> dict:
    value = read_pickle(build_cache.root(cache) / build_cache.LAST_RUN_DIR / build_cache.REMEMBERED_FILE)
    assert isinstance(value, dict)
    return value


def test_a_run_after_one_new_document_takes_the_remembered_scores_and_intervals(tmp_path, synthetic, monkeypatch):
    corpus = tmp_path / "corpus"
    shutil.copytree(synthetic, corpus)
    cache = tmp_path / "cache"
    pipeline.build(corpus, tmp_path / "a", jobs=1, cache_dir=cache)
    kept = _remembered(cache)
    assert kept["presslens"] == __version__
    assert kept["scores"] and kept["intervals"], "the synthetic corpus has masked sentences and groups to resample"
    assert all("entity" in text.lower() for text in kept["scores"]), "only masked sentences are kept"
    # the whole-corpus masking is kept per document (its key: content and codebook) and entity (its surfaces' digest)
    assert set(kept["masking"]) == {"documents", "every", "redone"}
    assert len(kept["masking"]["documents"]) > 20 and kept["masking"]["every"]
    kept["intervals"]["no group of this corpus"] = (0.0, 1.0)
    name, text, _entry = synthetic_documents(1, seed=3)[0]
    (corpus / ("zz" + name)).write_text(text.replace("the", "the very", 3), encoding="utf-8")
    want = _reference(corpus, tmp_path / "ref")

    counts = {}
    for run, keep in (("without", False), ("with", True)):
        own = tmp_path / f"cache-{run}"  # each run starts from the first run's cache
        shutil.copytree(cache, own)
        saved = build_cache.root(own) / build_cache.LAST_RUN_DIR / build_cache.REMEMBERED_FILE
        if keep:
            write_pickle(kept, saved)
        else:
            saved.unlink()
        clear_memos()
        counter = _Counter(monkeypatch)
        result = pipeline.build(corpus, tmp_path / run, jobs=1, cache_dir=own)
        monkeypatch.undo()
        assert result.stats["processed"] == {"document": 1, "codebook": 1}
        got = _tables(tmp_path / run)
        assert [n for n in want if got[n] != want[n]] == [], run
        counts[run] = (counter.vader, counter.resamples)
    assert counts["with"][0] < counts["without"][0], counts
    assert counts["with"][1] < counts["without"][1], counts
    # the file holds what the last run asked, not every run's
    assert "no group of this corpus" not in _remembered(tmp_path / "cache-with")["intervals"]
    assert ("zz" + Path(name).stem) in _remembered(tmp_path / "cache-with")["masking"]["documents"]


def test_answers_kept_by_another_presslens_version_are_not_used(tmp_path, synthetic, monkeypatch):
    corpus = tmp_path / "corpus"
    shutil.copytree(synthetic, corpus)
    cache = tmp_path / "cache"
    pipeline.build(corpus, tmp_path / "a", jobs=1, cache_dir=cache)
    kept = _remembered(cache)
    wrong = {"presslens": "0.0.1", "scores": {t: (("neg", 0.0), ("neu", 0.0), ("pos", 1.0), ("compound", 0.99)) for t in kept["scores"]},
             "intervals": {k: (-5.0, 5.0) for k in kept["intervals"]}}
    write_pickle(wrong, build_cache.root(cache) / build_cache.LAST_RUN_DIR / build_cache.REMEMBERED_FILE)
    clear_memos()
    pipeline.build(corpus, tmp_path / "b", jobs=1, cache_dir=cache)
    assert (tmp_path / "b" / "entity_sentiment.csv").read_bytes() == (tmp_path / "a" / "entity_sentiment.csv").read_bytes()
    assert _remembered(cache)["presslens"] == __version__


def test_remembered_intervals_key_on_values_order_and_options():
    values = np.array([0.1, 0.5, -0.2, 0.9])
    with rollups.remembered_intervals() as asked:
        first = rollups.bootstrap_ci(values, seed=3)
        rollups.bootstrap_ci(values, seed=4)
        rollups.bootstrap_ci(values, seed=3, n_resamples=500)
        rollups.bootstrap_ci(values[::-1], seed=3)
        rollups.bootstrap_ci(values, seed=None)  # a random seed is drawn anew, never remembered
    assert len(asked) == 4
    planted = {key: (-9.0, 9.0) for key in asked}
    with rollups.remembered_intervals(planted):
        assert rollups.bootstrap_ci(values, seed=3) == (-9.0, 9.0)  # answers are trusted: only the build's signed file gives them
    assert rollups.bootstrap_ci(values, seed=3) == first  # outside a block nothing is remembered
    with rollups.remembered_intervals(), pytest.raises(RuntimeError):
        with rollups.remembered_intervals():
            pass


def test_text_memo_records_hits_and_misses_and_takes_one_block_at_a_time():
    calls = []
    memo = TextMemo(lambda t: calls.append(t) or len(t), max_chars=200)
    memo("old")
    with memo.recorded({"kept": 4}) as asked:
        assert (memo("kept"), memo("old"), memo("new")) == (4, 3, 3)
        with pytest.raises(RuntimeError):
            with memo.recorded():
                pass
    memo("after")
    assert asked == {"kept": 4, "old": 3, "new": 3}
    assert calls == ["old", "new", "after"]


def test_a_build_without_cache_remembers_nothing():
    with build_cache.remembered(None):
        assert vader._SCORES._recording is None and rollups._INTERVALS is None


def test_entity_counts_from_the_documents_table_equal_counting_the_words_again(synthetic):
    corpus = load_corpus(synthetic)
    documents = documents_table(corpus)
    got = entity_counts_table(corpus, documents=documents)
    pd.testing.assert_frame_equal(got, entity_counts_table(corpus))
    assert (got["part"] == "comment").any() and (got["part"] == "body").any()
