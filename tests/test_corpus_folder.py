"""The corpus is the folder, and a run tells one story (issue #19, part C).

Links leaving the corpus folder, broken links, folders and FIFOs/sockets named
like documents are rejected with a reason and never opened; a link to a file
inside the folder is read once; a non-UTF-8 file name is read under a printable
name; the notebooks of a run read the build's snapshot of the corpus, not the
files again; a corpus with no usable document gives five reports that say so.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from presslens import pipeline
from presslens.corpus import load_corpus
from presslens.errors import CorpusError, MetadataError
from presslens.ingest.corpus import _Entry, _read_bytes, printable_name
from presslens.paths import RunContext

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SEED = "002_66a252709c82cb38.txt"  # the smallest seed page
OTHER = "001_9e368b0eaaa11057.txt"
SECRET = "Zanzibar-quokka-7731 is the secret outside the corpus, a sentence that must never be published."
NOTEBOOKS = ("00_corpus_overview", "01_source_comparison", "02_commentary_sentiment", "03_entity_frequencies", "04_casualty_figures")


def _load_in_thread(folder: Path, seconds: float = 60.0, **kw):
    """``load_corpus`` in a daemon thread: a FIFO that blocked the loader fails the test instead of hanging it."""
    result: dict = {}

    def target():
        try:
            result["corpus"] = load_corpus(folder, **kw)
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            result["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "load_corpus blocked (a FIFO or device was opened)"
    if "error" in result:
        raise result["error"]
    return result["corpus"]


@pytest.fixture()
def small(tmp_path: Path) -> Path:
    """A corpus of two seed pages, with the seeds' sources.yml, and a secret file beside (outside) it."""
    folder = tmp_path / "story"
    folder.mkdir()
    for name in (SEED, OTHER, "sources.yml"):
        shutil.copy(SEEDS / name, folder / name)
    (tmp_path / "secret.txt").write_text(f"Secret page\n\n{SECRET}\n\n{SECRET}\n", encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    return folder


def _reasons(corpus) -> dict[str, str]:
    return {i.file: i.reason for i in corpus.rejected}


def test_links_leaving_the_corpus_are_rejected_unread_and_nothing_of_them_is_published(small: Path, tmp_path: Path):
    (small / "evil.txt").symlink_to(tmp_path / "secret.txt")
    (small / "relative.html").symlink_to(Path("..") / "secret.txt")
    (small / "folder.txt").symlink_to(tmp_path / "elsewhere")
    (small / "gone.txt").symlink_to(small / "missing.txt")
    (small / "evil.pdf").symlink_to(tmp_path / "secret.txt")  # any name: a link out to a file is never opened
    (small / "shared").symlink_to(tmp_path / "elsewhere")  # a link to a folder not named like a document: no input
    corpus = _load_in_thread(small)
    reasons = _reasons(corpus)
    for name in ("evil.txt", "relative.html", "folder.txt", "evil.pdf"):
        assert reasons[name] == "a symbolic link to something outside the corpus folder: not read (the corpus is the folder)"
    assert reasons["gone.txt"] == "a broken symbolic link (its target does not exist)"
    assert "shared" not in {i.file for i in corpus.inputs}
    assert sorted(d.file for d in corpus) == sorted([SEED, OTHER])
    outside = {i.file: i for i in corpus.inputs if i.file.startswith("evil")}
    assert all(i.sha256 == "" and i.bytes == 0 for i in outside.values())  # not even hashed
    result = pipeline.build(small, tmp_path / "data", jobs=1)
    published = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "data").glob("*.csv"))
    assert "Zanzibar" not in published
    assert "a symbolic link to something outside the corpus folder" in (tmp_path / "data" / "inputs.csv").read_text(encoding="utf-8")
    assert result.counts["documents"] == 2


def test_a_link_inside_the_corpus_is_read_once(small: Path):
    sub = small / "pages"
    sub.mkdir()
    shutil.copy(SEEDS / "003_2637237e9277fabb.txt", sub / "003.txt")
    (small / "inner.txt").symlink_to(Path("pages") / "003.txt")  # a file the folder holds only through the link: read
    (small / "alias.txt").symlink_to(SEED)  # a document the folder holds under its own name: not read twice
    (small / "zz_second.txt").symlink_to(sub / "003.txt")  # a second link (in name order) to the same file: not read twice
    corpus = _load_in_thread(small)
    assert {d.doc_id for d in corpus} == {Path(SEED).stem, Path(OTHER).stem, "inner"}
    reasons = _reasons(corpus)
    assert reasons == {
        "alias.txt": f"a symbolic link to {SEED}, which is read once, under its own name",
        "zz_second.txt": "a symbolic link to inner.txt, which is read once, under its own name",
    }


def test_folders_fifos_and_sockets_named_like_documents_are_rejected_without_opening_them(small: Path, tmp_path: Path):
    (small / "x.txt").mkdir()
    (small / "archive").mkdir()  # a folder not named like a document is not an input, as before
    os.mkfifo(small / "y.html")
    os.mkfifo(tmp_path / "pipe")
    (small / "pipe-link.txt").symlink_to(small / "y.html")
    sock_path = small / "s.txt"
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(sock_path))
    except OSError:  # a tmp path longer than a socket address allows
        sock_path = None
    try:
        corpus = _load_in_thread(small, seconds=60)
        strict_error = None
        try:
            _load_in_thread(small, seconds=60, strict=True)
        except CorpusError as exc:
            strict_error = str(exc)
    finally:
        sock.close()
    reasons = _reasons(corpus)
    assert reasons["x.txt"] == "a folder, not a regular file: not read"
    assert reasons["y.html"] == "a FIFO (named pipe), not a regular file: not read"
    assert reasons["pipe-link.txt"] == "a symbolic link to a FIFO (named pipe), not a regular file: not read"
    if sock_path is not None:
        assert reasons["s.txt"] == "a socket, not a regular file: not read"
    assert "archive" not in {i.file for i in corpus.inputs}
    assert len(corpus) == 2
    assert strict_error is not None and "not a regular file" in strict_error and "strict mode" in strict_error


def test_a_file_swapped_for_a_fifo_or_a_link_after_the_listing_is_rejected_not_waited_on(tmp_path: Path):
    os.mkfifo(tmp_path / "late.txt")
    with pytest.raises(CorpusError, match=r"late.txt: a FIFO \(named pipe\), not a regular file"):
        _read_bytes(_Entry(name="late.txt", path=tmp_path / "late.txt"), 1000)
    (tmp_path / "target.txt").write_text("text")
    (tmp_path / "swapped.txt").symlink_to(tmp_path / "target.txt")
    with pytest.raises(CorpusError, match="swapped.txt: cannot be read"):  # O_NOFOLLOW: a link where a file was listed
        _read_bytes(_Entry(name="swapped.txt", path=tmp_path / "swapped.txt"), 1000)
    (tmp_path / "grown.txt").write_bytes(b"x" * 20)
    with pytest.raises(CorpusError, match="too large"):
        _read_bytes(_Entry(name="grown.txt", path=tmp_path / "grown.txt"), 10)


def test_sources_and_codebook_links_to_outside_files_stop_the_load(small: Path, tmp_path: Path):
    outside = tmp_path / "shared-sources.yml"
    shutil.move(small / "sources.yml", outside)
    (small / "sources.yml").symlink_to(outside)
    with pytest.raises(MetadataError, match="sources.yml: a symbolic link to a file outside the corpus folder"):
        load_corpus(small)
    (small / "sources.yml").unlink()
    (small / "meta").mkdir()
    shutil.copy(outside, small / "meta" / "sources.yml")
    (small / "sources.yml").symlink_to(Path("meta") / "sources.yml")  # a link inside the folder is read
    linked = load_corpus(small)
    assert len(linked) == 2 and not [w for _, w in linked.warnings if "no entry in sources.yml" in w]
    shutil.copy(SEEDS / "entities.yml", tmp_path / "book.yml")
    (small / "entities.yml").symlink_to(tmp_path / "book.yml")
    with pytest.raises(MetadataError, match="entities.yml: a symbolic link to a file outside the corpus folder"):
        load_corpus(small)


def test_notes_linked_from_outside_the_corpus_are_not_shown(small: Path, tmp_path: Path):
    from presslens.display import corpus_notes

    (small / "notes").mkdir()
    (small / "notes" / "00_corpus_overview.md").write_text("Our own note.", encoding="utf-8")
    (small / "notes" / "01_source_comparison.md").symlink_to(tmp_path / "secret.txt")
    assert "Our own note." in corpus_notes(small, "00_corpus_overview").data
    shown = corpus_notes(small, "01_source_comparison").data
    assert "Zanzibar" not in shown and "is a link to a file outside the corpus folder: not shown" in shown


def test_init_reads_its_view_of_the_pages_within_the_story_folder(small: Path, tmp_path: Path):
    from presslens.story import pages_only

    (small / "evil.txt").symlink_to(tmp_path / "secret.txt")
    with pages_only(small) as view:
        corpus = load_corpus(view, within=small)
    assert len(corpus) == 2 and "outside the corpus folder" in _reasons(corpus)["evil.txt"]


def test_a_non_utf8_file_name_is_read_under_a_printable_name_and_the_run_publishes(small: Path, tmp_path: Path):
    raw = os.fsencode(small) + b"/caf\xe9.txt"
    with open(raw, "wb") as handle:
        handle.write((SEEDS / "003_2637237e9277fabb.txt").read_bytes())
    with open(os.fsencode(small) + b"/bad\xff\xfe.pdf", "wb") as handle:
        handle.write(b"%PDF-1.4")
    corpus = load_corpus(small)
    doc = corpus["caf\\xe9"]
    assert doc.file == "caf\\xe9.txt" and doc.words > 100
    assert ("caf\\xe9.txt", "the file's name is not valid UTF-8: read as caf\\xe9.txt, the undecodable bytes written as \\xNN") in corpus.warnings
    assert _reasons(corpus)["bad\\xff\\xfe.pdf"].startswith("unsupported file type '.pdf'")
    data = tmp_path / "data"
    pipeline.build(small, data, jobs=1)
    for csv in data.glob("*.csv"):
        csv.read_bytes().decode("utf-8")  # every table is valid UTF-8
    assert "caf\\xe9" in (data / "documents.csv").read_text(encoding="utf-8")
    assert printable_name("caf\udce9.txt") == "caf\\xe9.txt"


def test_notebooks_under_a_run_read_the_build_snapshot_not_the_files(small: Path, tmp_path: Path):
    snapshot = tmp_path / "staging" / "corpus-snapshot.pickle"
    (small / "empty.txt").write_bytes(b"")
    built = pipeline.build(small, tmp_path / "data", jobs=1, snapshot=snapshot)
    (small / SEED).unlink()  # a file deleted between the build and the notebooks
    (small / OTHER).write_text("Changed\n\nA new body that was not there when the data was built.\n", encoding="utf-8")
    context = RunContext(corpus_snapshot=snapshot)
    under_run = pipeline.corpus_for(small, context=context)
    assert gc.get_freeze_count() > 0  # a run's kernel keeps the corpus to its end: the collector stops walking it
    assert [d.doc_id for d in under_run] == [d.doc_id for d in built.corpus]
    assert pipeline.corpus_fingerprint(under_run) == pipeline.corpus_fingerprint(built.corpus)
    assert len(pipeline.corpus_for(small)) == 1  # outside a run: the files as they are now
    with pytest.raises(CorpusError, match="empty.txt: empty file.*strict mode"):
        pipeline.corpus_for(small, context=context, strict=True)
    other = tmp_path / "other"
    other.mkdir()
    with pytest.raises(CorpusError, match="this run built the data from story/"):
        pipeline.corpus_for(other, context=context)
    snapshot.write_bytes(b"not a pickle")
    with pytest.raises(CorpusError, match="corpus-snapshot.pickle: the build's snapshot of the corpus is missing or unreadable"):
        pipeline.corpus_for(small, context=context)
    snapshot.unlink()
    with pytest.raises(CorpusError, match="missing or unreadable"):
        pipeline.corpus_for(small, context=context)


def test_the_run_hands_each_kernel_the_snapshot(tmp_path: Path):
    from presslens.paths import SNAPSHOT_ENV, run_context

    env = RunContext(corpus_snapshot=tmp_path / "s.pickle").environment()
    assert env[SNAPSHOT_ENV] == str(tmp_path / "s.pickle")
    os.environ[SNAPSHOT_ENV] = str(tmp_path / "s.pickle")
    try:
        assert run_context().corpus_snapshot == tmp_path / "s.pickle"
    finally:
        del os.environ[SNAPSHOT_ENV]


def test_every_table_of_a_corpus_with_no_usable_document_is_empty_with_its_columns(small: Path, tmp_path: Path):
    from presslens import tables

    nothing = tmp_path / "nothing"
    nothing.mkdir()
    (nothing / "empty.txt").write_bytes(b"")
    (small / OTHER).unlink()
    empty = pipeline.build(nothing, tmp_path / "empty-data", jobs=1)
    one = pipeline.build(small, tmp_path / "one-data", jobs=1)
    assert empty.counts["documents"] == 0 and one.counts["documents"] == 1
    for name, frame in empty.tables.items():
        assert list(frame.columns) == list(one.tables[name].columns), name
        assert frame.empty or name == "inputs", name
        header = (tmp_path / "empty-data" / f"{name}.csv").read_text(encoding="utf-8").splitlines()[0]
        assert header == (tmp_path / "one-data" / f"{name}.csv").read_text(encoding="utf-8").splitlines()[0], name
    assert list(tables.words_per_part(empty.corpus).columns) == list(tables.words_per_part(one.corpus).columns)


def _cells(notebook: Path) -> list[dict]:
    return [c for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]


def _outputs(notebook: Path) -> list[dict]:
    return [o for c in _cells(notebook) for o in c.get("outputs", [])]


def _text(output: dict) -> str:
    data = output.get("data", {})
    value = data.get("text/markdown") or data.get("text/plain") or output.get("text") or ""
    return "".join(value) if isinstance(value, list) else value


@pytest.mark.slow
def test_a_file_deleted_after_the_build_changes_no_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A file vanishes between the build and the notebooks: every report still tells the data's story (5 documents)."""
    from presslens import cli

    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    real_build = pipeline.build
    deleted = []

    def build_then_delete(*args, **kwargs):
        result = real_build(*args, **kwargs)
        (corpus / SEED).unlink()  # after the data is written, before any notebook runs
        deleted.append(SEED)
        return result

    monkeypatch.setattr(pipeline, "build", build_then_delete)
    out = tmp_path / "out"
    assert cli.main(["run", "--corpus", str(corpus), "--out", str(out), "--no-progress", "--jobs", "1"]) == 0
    assert deleted and not (corpus / SEED).exists()
    check_one_story(out, documents=5)
    assert not list(out.glob("*.pickle")) and not list(out.glob(".run-*"))  # the snapshot went with the staging folder


def check_one_story(out: Path, *, documents: int) -> None:
    """``data/`` and all five reports of the run at ``out`` count the same documents."""
    import pandas as pd

    assert len(pd.read_csv(out / "data" / "documents.csv", keep_default_na=False)) == documents
    said = {
        "00_corpus_overview": f"**{documents}** documents accepted",
        "01_source_comparison": f" of {documents * (documents - 1) // 2} compared share text** ",  # the findings sentence
        "02_commentary_sentiment": f"of **{documents}** documents",
        "03_entity_frequencies": f"in **{documents}** documents",
        "04_casualty_figures": f" of {documents} documents",
    }
    for name in NOTEBOOKS:
        executed = out / "notebooks" / f"{name}.ipynb"
        outputs = _outputs(executed)
        assert not [o for o in outputs if o.get("output_type") == "error"], name
        text = "\n".join(_text(o) for o in outputs)
        assert said[name] in text, (name, text[:600])
    assert f" of {documents} documents" in "\n".join(_text(o) for o in _outputs(out / "notebooks" / "01_source_comparison.ipynb"))


@pytest.mark.slow
def test_a_corpus_with_no_usable_document_gives_five_reports_that_say_so(tmp_path: Path):
    corpus = tmp_path / "nothing"
    corpus.mkdir()
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "picture.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 8)
    (corpus / "chrome.txt").write_text("Subscribe\nNotify of\nguest\n0 Comments\n", encoding="utf-8")
    (corpus / "folder.txt").mkdir()
    os.mkfifo(corpus / "pipe.html")
    (corpus / "out.txt").symlink_to(SEEDS / SEED)
    with open(os.fsencode(corpus) + b"/caf\xe9.txt", "wb"):
        pass
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "presslens.cli", "run", "--corpus", str(corpus), "--out", str(out), "--no-progress"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    assert "presslens: no document of the corpus was usable (7 file(s) rejected" in proc.stderr
    assert "Traceback" not in proc.stderr
    for name in NOTEBOOKS:
        executed = out / "notebooks" / f"{name}.ipynb"
        outputs = _outputs(executed)
        assert not [o for o in outputs if o.get("output_type") == "error"], name
        assert not [o for o in outputs if "application/vnd.plotly.v1+json" in o.get("data", {})], name  # no empty chart
        assert "**No usable document**: none of the **7** files of the corpus folder" in _text(outputs[0]) or any(
            "**No usable document**" in _text(o) for o in outputs), name
        report = (out / "reports" / f"{name}.html").read_text(encoding="utf-8")
        assert "No usable document" in report, name
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["documents"] == 0 and len(manifest["rejected"]) == 7
    assert "caf\\xe9.txt" in {r["file"] for r in manifest["rejected"]}


def test_a_page_without_title_or_outlet_is_labelled_by_the_words_of_its_file_name(tmp_path):
    body = "Floods have killed at least 123 people across the region this week, officials said on Friday evening.\n"
    (tmp_path / "01_irishtimes_india_floods_claim_123_lives.txt").write_text(body * 3, encoding="utf-8")
    (tmp_path / "02_5ef0e76b6908624d.txt").write_text(body.replace("123", "40") * 3, encoding="utf-8")
    labels = sorted(d.label for d in load_corpus(tmp_path))
    assert labels == ["01 · irishtimes india floods claim 1…", "02 · (untitled)"]
