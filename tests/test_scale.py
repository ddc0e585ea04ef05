"""presslens.engine through pipeline.build: per-document tables equal the whole-corpus ones,
with and without cache, in one process or several, and incremental runs process only what changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from benchmarks.synthetic import synthetic_documents, write_corpus
from presslens import engine, pipeline
from presslens.build import cache as build_cache, engine as build_engine, pipeline as build_pipeline, registry
from presslens.corpus import Corpus, load_corpus
from presslens.io import write_csv
from presslens.paths import seeds_dir
from presslens.reuse import REUSE_CACHE_FORMAT


def _csv_bytes(folder: Path) -> dict[str, bytes]:
    return {name: (folder / f"{name}.csv").read_bytes() for name in pipeline.TABLES}


def _reference(corpus_dir: Path, out: Path) -> dict[str, bytes]:
    """Every TABLES function called on the whole corpus, written as the run writes it."""
    corpus = load_corpus(corpus_dir)
    for name, make in pipeline.TABLES.items():
        write_csv(make(corpus), out / f"{name}.csv")
    return _csv_bytes(out)


def _assert_same(got: dict[str, bytes], want: dict[str, bytes]) -> None:
    differ = sorted(name for name in want if got[name] != want[name])
    assert not differ, f"tables differ: {differ}"


@pytest.fixture(scope="module")
def seeds_copy(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("seeds") / "corpus"
    shutil.copytree(seeds_dir(), folder)
    return folder


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    """The five seeds plus 25 synthetic documents (stories, reprints, op-eds, comment threads)."""
    return write_corpus(30, tmp_path_factory.mktemp("syn") / "corpus", seed=9)


@pytest.fixture(scope="module")
def seeds_reference(tmp_path_factory, seeds_copy) -> dict[str, bytes]:
    return _reference(seeds_copy, tmp_path_factory.mktemp("ref"))


def test_every_table_equals_the_whole_corpus_functions_on_the_seeds(tmp_path, seeds_copy, seeds_reference):
    result = pipeline.build(seeds_copy, tmp_path / "data", jobs=1)
    _assert_same(_csv_bytes(tmp_path / "data"), seeds_reference)
    assert result.stats["processed"]["document"] == 5
    # the per-document tables really went through the engine, not the plain path
    assert not set(result.stats["plain"]) & (set(engine.DOCUMENT_TABLES) | set(engine.CODEBOOK_TABLES) | set(engine.DERIVED))
    assert result.counts["documents"] == 5 and result.counts["comments"] == 14
    assert result.stats["reuse"]["method"] == "exact" and result.stats["reuse"]["pairs_compared"] == 10
    assert "reuse_pairs" not in result.stats["plain"] and "shared_passages" not in result.stats["plain"]


def test_two_workers_equal_one_process_and_the_reference(tmp_path, synthetic, monkeypatch):
    monkeypatch.setattr(build_engine, "PARALLEL_MIN_DOCUMENTS", 0)  # 30 documents: workers only when told to
    want = _reference(synthetic, tmp_path / "ref")
    one = pipeline.build(synthetic, tmp_path / "j1", jobs=1)
    two = pipeline.build(synthetic, tmp_path / "j2", jobs=2)
    assert one.stats["jobs"] == 1 and two.stats["jobs"] == 2
    _assert_same(_csv_bytes(tmp_path / "j1"), want)
    _assert_same(_csv_bytes(tmp_path / "j2"), want)
    # pieces cached from two workers' chunks, read back by a one-process run, give the same tables
    cache = tmp_path / "cache"
    pipeline.build(synthetic, tmp_path / "fill", jobs=2, cache_dir=cache)
    warm = pipeline.build(synthetic, tmp_path / "warm", jobs=1, cache_dir=cache)
    assert warm.stats["processed"]["document"] == 0
    _assert_same(_csv_bytes(tmp_path / "warm"), want)
    # the synthetic corpus exercises what the seeds have: threaded replies, figures, mentions, reuse
    comments = pd.read_csv(tmp_path / "j2" / "comments.csv", keep_default_na=False)
    assert (comments["reply_to"] != "").sum() > 0
    assert len(pd.read_csv(tmp_path / "j2" / "figures.csv")) > 10
    assert len(pd.read_csv(tmp_path / "j2" / "shared_passages.csv")) > 10


def _per_document_csvs(frames: dict[str, pd.DataFrame], folder: Path) -> dict[str, bytes]:
    for name, frame in frames.items():
        write_csv(frame, folder / f"{name}.csv")
    return {name: (folder / f"{name}.csv").read_bytes() for name in frames}


@pytest.mark.parametrize("corpus_name", ["seeds", "synthetic"])
def test_the_per_document_phase_in_two_workers_equals_one_process(tmp_path, seeds_copy, synthetic, monkeypatch, corpus_name):
    """Workers forked from the run get document indexes, not documents, and their tables are the one-process tables, byte for byte."""
    corpus = load_corpus(seeds_copy if corpus_name == "seeds" else synthetic)
    chosen = {n: f for n, f in pipeline.TABLES.items() if n in engine.DOCUMENT_TABLES or n in engine.CODEBOOK_TABLES or n in engine.DERIVED}
    pools = []
    start = engine.TaskMapper._submitter
    monkeypatch.setattr(engine.TaskMapper, "_submitter", lambda self: pools.append(self.jobs) or start(self))
    one, _ = engine.compute_tables(corpus, chosen, jobs=1)
    assert pools == []
    monkeypatch.setattr(build_engine, "PARALLEL_MIN_DOCUMENTS", 0)
    two, stats = engine.compute_tables(corpus, chosen, jobs=2)
    assert pools and set(pools) == {2} and stats.processed["document"] == len(corpus)
    assert build_engine._FORKED_DOCUMENTS is None  # the inherited corpus is not kept after the run
    _assert_same(_per_document_csvs(two, tmp_path / "two"), _per_document_csvs(one, tmp_path / "one"))


def test_below_the_parallel_minimum_the_per_document_phase_stays_in_one_process(seeds_copy, monkeypatch):
    corpus = load_corpus(seeds_copy)
    pools = []
    start = engine.TaskMapper._submitter
    monkeypatch.setattr(engine.TaskMapper, "_submitter", lambda self: pools.append(self.jobs) or start(self))
    assert len(corpus) < build_engine.PARALLEL_MIN_DOCUMENTS
    _, stats = engine.compute_tables(corpus, dict(engine.DOCUMENT_TABLES), jobs=2)
    assert pools == [] and stats.jobs == 2 and stats.processed["document"] == len(corpus)


def test_a_task_without_documents_outside_a_forked_worker_is_a_clear_error(seeds_copy):
    corpus = load_corpus(seeds_copy)
    task = build_engine._Task(path=Path(corpus.path), docs=None, positions=[0], keys=["k"], groups=[("document",)],
                              document_tables=("documents",), codebook_tables=(), book="none", cache_dir=None)
    with pytest.raises(engine.EngineError, match="did not fork from the run"):
        build_engine._compute(task)


def test_the_per_process_memos_do_not_change_a_table(tmp_path, synthetic):
    """Sentence spans, VADER scores, number readings and word counts are remembered per process
    (``presslens.text.TextMemo``): a run with every memo warm, one with every memo cold, one whose memos are
    too small to keep a body, and the whole-corpus functions give the same files."""
    from presslens.text import memo as M, sentences as S, tokens as W

    M.clear_memos()
    pipeline.build(synthetic, tmp_path / "cold", jobs=1)
    assert S._SPANS.misses > 0 and W._WORD_COUNTS.hits > 0  # the memos were used, and shared between tables
    pipeline.build(synthetic, tmp_path / "warm", jobs=1)
    budgets = [(memo, memo.max_chars) for memo in M._MEMOS]
    try:
        for memo, _ in budgets:
            memo.clear()
            memo.max_chars = 200  # keeps a short comment or sentence, never a body
        pipeline.build(synthetic, tmp_path / "tiny", jobs=1)
    finally:
        for memo, size in budgets:
            memo.max_chars = size
    want = _reference(synthetic, tmp_path / "ref")
    for run in ("cold", "warm", "tiny"):
        _assert_same(_csv_bytes(tmp_path / run), want)


def test_cached_run_is_identical_and_processes_nothing(tmp_path, seeds_copy, seeds_reference):
    cache = tmp_path / "cache"
    first = pipeline.build(seeds_copy, tmp_path / "a", jobs=2, cache_dir=cache)
    second = pipeline.build(seeds_copy, tmp_path / "b", jobs=2, cache_dir=cache)
    assert first.stats["processed"] == {"document": 5, "codebook": 5}
    assert second.stats["processed"] == {"document": 0, "codebook": 0}
    assert second.stats["cached"] == {"document": 5, "codebook": 5}
    assert (first.stats["reuse"]["documents_computed"], first.stats["reuse"]["pairs_computed"]) == (5, 10)
    assert (second.stats["reuse"]["documents_computed"], second.stats["reuse"]["pairs_computed"]) == (0, 0)
    assert second.stats["reuse"]["pairs_cached"] == 10
    _assert_same(_csv_bytes(tmp_path / "a"), seeds_reference)
    _assert_same(_csv_bytes(tmp_path / "b"), seeds_reference)


def test_adding_one_document_processes_one_document(tmp_path, seeds_copy):
    corpus = tmp_path / "corpus"
    shutil.copytree(seeds_copy, corpus)
    cache = tmp_path / "cache"
    pipeline.build(corpus, tmp_path / "before", jobs=1, cache_dir=cache)
    name, text, _entry = synthetic_documents(1, seed=3)[0]
    (corpus / name).write_text(text, encoding="utf-8")
    after = pipeline.build(corpus, tmp_path / "after", jobs=1, cache_dir=cache)
    assert after.stats["processed"] == {"document": 1, "codebook": 1}
    assert after.stats["cached"] == {"document": 5, "codebook": 5}
    assert after.counts["documents"] == 6
    # reuse: the new document's sentence units, and its five pairs with the others; the ten old pairs from the cache
    assert after.stats["reuse"]["documents_computed"] == 1 and after.stats["reuse"]["documents_cached"] == 5
    assert after.stats["reuse"]["pairs_computed"] == 5 and after.stats["reuse"]["pairs_cached"] == 10
    _assert_same(_csv_bytes(tmp_path / "after"), _reference(corpus, tmp_path / "ref"))


def test_a_changed_codebook_reruns_only_entity_matching(tmp_path, seeds_copy):
    corpus = tmp_path / "corpus"
    shutil.copytree(seeds_copy, corpus)
    cache = tmp_path / "cache"
    pipeline.build(corpus, tmp_path / "before", jobs=1, cache_dir=cache)
    codebook = corpus / "entities.yml"
    text = codebook.read_text(encoding="utf-8")
    assert "Quds Force" in text
    # drop the whole entry of one entity: its mentions must disappear from the tables
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.lstrip("- ").startswith("name: Quds Force"))
    end = next(i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("- name:"))
    codebook.write_text("".join(lines[:start] + lines[end:]), encoding="utf-8")
    after = pipeline.build(corpus, tmp_path / "after", jobs=1, cache_dir=cache)
    assert after.stats["processed"] == {"document": 0, "codebook": 5}
    mentions = pd.read_csv(tmp_path / "after" / "entity_mentions.csv")
    before = pd.read_csv(tmp_path / "before" / "entity_mentions.csv")
    assert "Quds Force" in set(before["entity"]) and "Quds Force" not in set(mentions["entity"])
    _assert_same(_csv_bytes(tmp_path / "after"), _reference(corpus, tmp_path / "ref"))


def test_entity_sentiment_rolls_up_the_cached_per_document_pieces(tmp_path, synthetic, monkeypatch):
    """entity_sentiment from per-document pieces (computed in two workers or one process, cached, then one document
    added) equals the whole-corpus function byte for byte; the run hands the pieces to it, and computes them only
    for the documents it processes."""
    from presslens.sentiment import tables as sentiment_tables

    handed = []
    masking = sentiment_tables.corpus_masking
    monkeypatch.setattr(sentiment_tables, "corpus_masking", lambda rows, *a: handed.append(len(rows)) or masking(rows, *a))
    monkeypatch.setattr(build_engine, "PARALLEL_MIN_DOCUMENTS", 0)
    corpus = tmp_path / "corpus"
    shutil.copytree(synthetic, corpus)
    cache = tmp_path / "cache"
    want = _reference(corpus, tmp_path / "ref")["entity_sentiment"]
    runs = {"j2-cold": dict(jobs=2, cache_dir=cache), "j1-warm": dict(jobs=1, cache_dir=cache), "j1-plain": dict(jobs=1),
            "j2-plain": dict(jobs=2)}
    for run, options in runs.items():
        result = pipeline.build(corpus, tmp_path / run, **options)
        assert "entity_sentiment" not in result.stats["plain"] and "entity_sentence_pieces" not in result.tables
        assert (tmp_path / run / "entity_sentiment.csv").read_bytes() == want, run
        assert not (tmp_path / run / "entity_sentence_pieces.csv").exists()
    assert len(handed) == len(runs) and min(handed) > 0
    last = build_cache.read_last_run(cache, "codebook", build_cache.codebook_key(load_corpus(corpus)))
    assert set(last["tables"]) == {"entity_mentions", "entity_sentence_pieces"}
    name, text, _entry = synthetic_documents(1, seed=3)[0]
    (corpus / ("zz" + name)).write_text(text.replace("the", "the very", 3), encoding="utf-8")
    after = pipeline.build(corpus, tmp_path / "after", jobs=2, cache_dir=cache)
    assert after.stats["processed"] == {"document": 1, "codebook": 1}
    assert (tmp_path / "after" / "entity_sentiment.csv").read_bytes() == _reference(corpus, tmp_path / "ref2")["entity_sentiment"]
    # a changed codebook: the pieces are recomputed with it for every document, the document tables come from the cache
    book = corpus / "entities.yml"
    assert book.is_file()
    lines = book.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.lstrip("- ").startswith("name:"))
    end = next(i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("- name:"))
    book.write_text("".join(lines[:start] + lines[end:]), encoding="utf-8")
    changed = pipeline.build(corpus, tmp_path / "book", jobs=1, cache_dir=cache)
    assert changed.stats["processed"]["document"] == 0 and changed.stats["processed"]["codebook"] == len(changed.corpus)
    assert (tmp_path / "book" / "entity_sentiment.csv").read_bytes() == _reference(corpus, tmp_path / "ref3")["entity_sentiment"]


def test_a_damaged_cache_file_is_recomputed(tmp_path, seeds_copy, seeds_reference):
    cache = tmp_path / "cache"
    pipeline.build(seeds_copy, tmp_path / "a", jobs=1, cache_dir=cache)
    root = cache / f"v{engine.CACHE_FORMAT}"
    last = sorted((root / engine.LAST_RUN_DIR).glob("*.pkl"))
    # the last run's tables, one file per group, what the corpus-level tables asked and how long each took
    # (a damaged one is a miss too)
    assert [p.name for p in last] == ["codebook.pkl", "document.pkl", "remembered.pkl", "seconds.pkl"]
    files = sorted(p for p in root.rglob("*.pkl") if p not in last)
    assert len(files) == 10  # five documents x (document stages, codebook stages)
    files[0].write_bytes(b"not a pickle")
    # the last run's files hold every document: the damaged per-document file is not even read
    again = pipeline.build(seeds_copy, tmp_path / "b", jobs=1, cache_dir=cache)
    assert sum(again.stats["processed"].values()) == 0
    _assert_same(_csv_bytes(tmp_path / "b"), seeds_reference)
    # without them, the per-document files are read, and the damaged one is recomputed
    for path in last:
        path.write_bytes(b"\x80 not a pickle")
    again = pipeline.build(seeds_copy, tmp_path / "c", jobs=1, cache_dir=cache)
    assert sum(again.stats["processed"].values()) == 1 and sum(again.stats["cached"].values()) == 9
    _assert_same(_csv_bytes(tmp_path / "c"), seeds_reference)


@pytest.mark.parametrize("slack", [0, build_engine.LAST_RUN_SLACK])
def test_a_run_reads_the_last_runs_tables_for_the_documents_it_still_has(tmp_path, seeds_copy, monkeypatch, slack):
    """Removing a document: the rows of the others come from the last run's tables alone (per-document files
    deleted), and equal the whole-corpus functions; the last run's files are rewritten for the new corpus only
    once it drifts from them by more than the slack (else they keep the removed document, left out when read)."""
    monkeypatch.setattr(build_engine, "LAST_RUN_SLACK", slack)
    corpus = tmp_path / "corpus"
    shutil.copytree(seeds_copy, corpus)
    cache = tmp_path / "cache"
    pipeline.build(corpus, tmp_path / "a", jobs=2, cache_dir=cache)
    root = cache / f"v{engine.CACHE_FORMAT}"
    for path in root.rglob("*.pkl"):
        if path.parent.name != engine.LAST_RUN_DIR:
            path.unlink()
    sorted(corpus.glob("*.txt"))[1].unlink()
    after = pipeline.build(corpus, tmp_path / "b", jobs=2, cache_dir=cache)
    assert after.stats["processed"] == {"document": 0, "codebook": 0}
    assert after.stats["cached"] == {"document": 4, "codebook": 4}
    _assert_same(_csv_bytes(tmp_path / "b"), _reference(corpus, tmp_path / "ref"))
    last = build_cache.read_last_run(cache, "document", "none")
    kept = sorted(p.stem for p in corpus.glob("*.txt")) if slack == 0 else sorted(p.stem for p in seeds_copy.glob("*.txt"))
    assert sorted(last["keys"].values()) == kept
    again = pipeline.build(corpus, tmp_path / "c", jobs=2, cache_dir=cache)
    assert again.stats["cached"] == {"document": 4, "codebook": 4}
    _assert_same(_csv_bytes(tmp_path / "c"), _reference(corpus, tmp_path / "ref2"))


def test_a_changed_sources_entry_is_a_cache_miss(tmp_path, seeds_copy):
    corpus = tmp_path / "corpus"
    shutil.copytree(seeds_copy, corpus)
    cache = tmp_path / "cache"
    pipeline.build(corpus, tmp_path / "a", jobs=1, cache_dir=cache)
    sources = corpus / "sources.yml"
    sources.write_text(sources.read_text(encoding="utf-8").replace("value: umatno.info", "value: umatno.example"), encoding="utf-8")
    after = pipeline.build(corpus, tmp_path / "b", jobs=1, cache_dir=cache)
    assert after.stats["processed"]["document"] == 1
    docs = pd.read_csv(tmp_path / "b" / "documents.csv")
    assert "umatno.example" in set(docs["outlet"])


def test_adding_a_copy_to_a_corpus_above_the_lsh_size_compares_only_its_candidate_pairs(tmp_path):
    """60 documents (LSH candidates from 50 on), two workers: adding a partial copy of one document
    computes one document's units and compares only the candidate pairs the copy is part of."""
    corpus = write_corpus(60, tmp_path / "corpus", seed=5)
    cache = tmp_path / "cache"
    first = pipeline.build(corpus, tmp_path / "before", jobs=2, cache_dir=cache)
    assert first.stats["reuse"]["method"] == "lsh"
    assert first.stats["reuse"]["pairs_compared"] < first.stats["reuse"]["pairs_total"]
    pairs = pd.read_csv(tmp_path / "before" / "reuse_pairs.csv")
    source = pairs.sort_values(["shared_sentences_a", "doc_a"], ascending=[False, True])["doc_a"].iloc[0]
    lines = (corpus / f"{source}.txt").read_text(encoding="utf-8").splitlines()
    (corpus / "zz_copy.txt").write_text("\n".join(lines[: len(lines) * 2 // 3]) + "\n", encoding="utf-8")
    after = pipeline.build(corpus, tmp_path / "after", jobs=2, cache_dir=cache)
    got = pd.read_csv(tmp_path / "after" / "reuse_pairs.csv")
    with_copy = int((got["doc_a"] == "zz_copy").sum())
    assert with_copy >= 1 and source in set(got.loc[got["doc_a"] == "zz_copy", "doc_b"])
    assert after.stats["reuse"]["documents_computed"] == 1 and after.stats["reuse"]["documents_cached"] == 60
    assert after.stats["reuse"]["pairs_computed"] == with_copy
    assert after.stats["reuse"]["pairs_cached"] == first.stats["reuse"]["pairs_compared"]
    _assert_same(_csv_bytes(tmp_path / "after"), _reference(corpus, tmp_path / "ref"))


def test_a_damaged_reuse_cache_file_is_recomputed(tmp_path, seeds_copy, seeds_reference):
    cache = tmp_path / "cache"
    pipeline.build(seeds_copy, tmp_path / "a", jobs=1, cache_dir=cache)
    files = sorted((cache / f"reuse-v{REUSE_CACHE_FORMAT}").rglob("*.pkl"))
    assert files
    for path in files:
        path.write_bytes(b"\x80 not a pickle")
    again = pipeline.build(seeds_copy, tmp_path / "b", jobs=1, cache_dir=cache)
    assert again.stats["reuse"]["documents_computed"] == 5 and again.stats["reuse"]["pairs_computed"] == 10
    _assert_same(_csv_bytes(tmp_path / "b"), seeds_reference)


@pytest.mark.parametrize("jobs", [0, -1, 1.5])
def test_bad_jobs_is_a_clear_error(tmp_path, seeds_copy, jobs):
    with pytest.raises(engine.EngineError, match="jobs must be"):
        pipeline.build(seeds_copy, tmp_path / "data", jobs=jobs)


def test_unknown_engine_is_a_clear_error(tmp_path, seeds_copy):
    with pytest.raises(engine.EngineError, match="unknown engine 'spark'"):
        pipeline.build(seeds_copy, tmp_path / "data", engine="spark")


def test_a_table_the_engine_does_not_know_is_computed_on_the_whole_corpus(tmp_path, seeds_copy, monkeypatch):
    def first_sentences(corpus: Corpus) -> pd.DataFrame:
        return pd.DataFrame({"doc_id": [d.doc_id for d in corpus], "n": [len(d.paragraphs) for d in corpus]})

    tables = dict(pipeline.TABLES, extra=first_sentences)
    monkeypatch.setattr(build_pipeline, "TABLES", tables)  # the table list the build reads
    result = pipeline.build(seeds_copy, tmp_path / "data", jobs=1)
    assert "extra" in result.stats["plain"]
    assert len(pd.read_csv(tmp_path / "data" / "extra.csv")) == 5


@pytest.mark.parametrize("name", sorted(engine.DOCUMENT_TABLES))
def test_concat_of_one_document_pieces_equals_the_whole_table(seeds_copy, name):
    """Seeds 001-004 have no comments, so their comment pieces are empty: the concatenation keeps the whole table's types."""
    corpus = load_corpus(seeds_copy)
    make = engine.DOCUMENT_TABLES[name]
    pieces = [make(Corpus(path=corpus.path, documents=[d], inputs=[])) for d in corpus]
    got = engine.concat_pieces(pieces, lambda: make(Corpus(path=corpus.path, documents=[], inputs=[])))
    pd.testing.assert_frame_equal(got, make(corpus), check_dtype=True)


def test_dask_cluster_gives_the_local_engine_tables(tmp_path, synthetic):
    """Two dask workers on loopback compute the same tables as the local engine (skipped without dask.distributed)."""
    distributed = pytest.importorskip("distributed")
    local = pipeline.build(synthetic, tmp_path / "local", jobs=1)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None, processes=True) as cluster:
        remote = pipeline.build(synthetic, tmp_path / "dask", engine="dask", scheduler=cluster.scheduler_address, jobs=2)
        assert len(cluster.workers) == 2
    assert remote.stats["engine"] == "dask" and remote.stats["processed"]["document"] == local.stats["processed"]["document"] == 30
    _assert_same(_csv_bytes(tmp_path / "dask"), _csv_bytes(tmp_path / "local"))
    assert remote.stats["reuse"]["pairs_compared"] == local.stats["reuse"]["pairs_compared"] == 435


@pytest.mark.parametrize("name", sorted(engine.DOCUMENT_TABLES))
def test_chunk_tables_and_pieces_in_any_order_assemble_to_the_whole_table(seeds_copy, name):
    """Tables of chunks of documents (as workers return them) and one-document pieces (as the cache holds them),
    given out of order, are put in doc_id order (corpus order for metadata) by one concat and one stable sort."""
    corpus = load_corpus(seeds_copy)
    make = engine.DOCUMENT_TABLES[name]
    docs = corpus.documents

    def table(chosen):
        return make(Corpus(path=corpus.path, documents=list(chosen), inputs=[]))

    # a chunk in reverse corpus order, a one-document piece, another chunk
    pieces = [table([docs[3], docs[0]]), table([docs[4]]), table([docs[2], docs[1]])]
    if name in engine.CORPUS_ORDER:
        position = {d.doc_id: i for i, d in enumerate(docs)}
    else:
        position = {d: rank for rank, d in enumerate(sorted(d.doc_id for d in docs))}
    got = engine.assemble_table(pieces, position, lambda: table([]))
    pd.testing.assert_frame_equal(got, make(corpus), check_dtype=True)


def test_assembled_column_whose_type_differs_between_chunks_is_reinferred_in_table_order():
    """ints in one chunk, missing values in another: float64 as pd.DataFrame(rows) infers on the whole corpus;
    a column of one type everywhere keeps it; empty frames carry no type; rows follow the positions."""
    a = pd.DataFrame({"doc_id": ["b", "b", "d"], "n": [1, 2, 3], "s": ["x", "y", "z"]})
    b = pd.DataFrame({"doc_id": ["c", "a"], "n": [None, 4], "s": ["u", "v"]})
    empty = pd.DataFrame({"doc_id": pd.Series([], dtype=object), "n": pd.Series([], dtype=object), "s": pd.Series([], dtype=object)})
    position = {"a": 0, "b": 1, "c": 2, "d": 3}
    got = engine.assemble_table([a, empty, b], position, lambda: empty)
    want = pd.DataFrame([{"doc_id": "a", "n": 4, "s": "v"}, {"doc_id": "b", "n": 1, "s": "x"}, {"doc_id": "b", "n": 2, "s": "y"},
                         {"doc_id": "c", "n": None, "s": "u"}, {"doc_id": "d", "n": 3, "s": "z"}])
    pd.testing.assert_frame_equal(got, want, check_dtype=True)
    assert got["n"].dtype == "float64" and str(got["s"].dtype) == str(a["s"].dtype)
    assert engine.assemble_table([empty, empty], position, lambda: empty) is empty
    one = engine.assemble_table([a], position, lambda: empty)
    pd.testing.assert_frame_equal(one, a)


def test_the_registry_declares_every_table_once_and_the_old_lookups_are_views_of_it():
    import inspect

    names = [t.name for t in registry.REGISTRY if not t.internal]
    assert len(names) == len(set(names)) and list(pipeline.TABLES) == names
    internal = {t.name for t in registry.REGISTRY if t.internal}
    assert internal == {"entity_sentence_pieces"} and not internal & (set(engine.CODEBOOK_TABLES) | set(engine.DOCUMENT_TABLES))
    assert pipeline.TABLES is registry.TABLES and engine.DERIVED is registry.DERIVED
    groups = {t.name: t.group for t in registry.REGISTRY if not t.internal}
    assert set(groups.values()) <= set(registry.STAGE_GROUPS)
    assert set(engine.DOCUMENT_TABLES) == {n for n, g in groups.items() if g == "document"}
    assert set(engine.CODEBOOK_TABLES) == {n for n, g in groups.items() if g == "codebook"}
    assert set(engine.DERIVED) | set(engine.REUSE_TABLES) | {"inputs"} == {n for n, g in groups.items() if g == "corpus"}
    for t in registry.REGISTRY:  # the options a notebook may ask are the function's own, with the build's values as defaults
        parameters = inspect.signature(t.with_options or t.function).parameters
        for option, value in t.options.items():
            assert parameters[option].default == value, (t.name, option)
        for name in t.inputs:
            assert name in groups, (t.name, name)
        for name in t.pieces:  # a derived table's per-document steps are internal tables it is handed by keyword
            assert registry.BY_NAME[name].internal and name in inspect.signature(t.derive).parameters, (t.name, name)


def test_the_build_modules_import_no_plotly_or_ipython_themselves():
    """The engine worker computes tables; only a stage's charts may import plotly (checked here for the build's own modules)."""
    import ast
    import presslens.build

    folder = Path(presslens.build.__file__).parent
    for path in sorted(folder.glob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not [n for n in names if n.split(".")[0] in ("plotly", "IPython")], f"{path.name} imports {names}"
