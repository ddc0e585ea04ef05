"""Bad input is rejected with the file name and the reason; the run goes on; --strict makes it fatal."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from presslens.corpus import load_corpus
from presslens.errors import CorpusError, MetadataError
from presslens.metadata import load_sources
from presslens.pipeline import build

SEED = "000_f852db828fd11835.txt"

BAD_FILES = {
    "empty.txt": (b"", "empty file"),
    "picture.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" * 8, "binary file"),
    "garbage.txt": (bytes(range(0x80, 0x100)) * 8 + b"\x81\x8d\x8f\x90\x9d" * 40, "not UTF-8 and no text encoding fits|binary file"),
    "chrome_only.txt": ("Subscribe\nNotify of\nguest\n0 Comments\n".encode(), "no body text left after removing boilerplate"),
    "report.pdf": (b"%PDF-1.4 some pdf", "unsupported file type '.pdf'"),
}


@pytest.fixture()
def bad_corpus(corpus_copy):
    for name, (data, _) in BAD_FILES.items():
        (corpus_copy / name).write_bytes(data)
    shutil.copy(corpus_copy / SEED, corpus_copy / "zz_copy_of_000.txt")
    return corpus_copy


def test_each_bad_file_is_rejected_with_its_reason_and_the_rest_load(bad_corpus):
    corpus = load_corpus(bad_corpus)
    assert len(corpus) == 5
    reasons = {i.file: i.reason for i in corpus.rejected}
    assert set(reasons) == set(BAD_FILES) | {"zz_copy_of_000.txt"}
    for name, (_, pattern) in BAD_FILES.items():
        assert any(part in reasons[name] for part in pattern.split("|")), (name, reasons[name])
    assert reasons["zz_copy_of_000.txt"].startswith(f"exact duplicate of {SEED}")
    # every rejected file still has its size and sha256 recorded
    assert all(i.sha256 and i.status == "rejected" for i in corpus.rejected)


def test_strict_makes_a_rejection_fatal_with_file_and_reason(bad_corpus):
    with pytest.raises(CorpusError, match=r"^chrome_only\.txt: no body text left.*strict mode"):
        load_corpus(bad_corpus, strict=True)


def test_rejections_reach_the_inputs_table(bad_corpus, tmp_path):
    result = build(bad_corpus, tmp_path / "data")
    assert {r["file"] for r in result.rejected} == set(BAD_FILES) | {"zz_copy_of_000.txt"}
    inputs = pd.read_csv(tmp_path / "data" / "inputs.csv", keep_default_na=False).set_index("file")
    assert inputs.loc["report.pdf", "status"] == "rejected"
    assert inputs.loc["report.pdf", "reason"].startswith("unsupported file type '.pdf'")
    assert (inputs["status"] == "accepted").sum() == 5
    assert result.counts["documents"] == 5


def test_size_limit_is_a_parameter(corpus_copy):
    corpus = load_corpus(corpus_copy, max_bytes=10_000)
    too_big = {i.file for i in corpus.rejected}
    assert too_big == {"000_f852db828fd11835.txt", "001_9e368b0eaaa11057.txt", "004_5ef0e76b6908624d.txt"}
    assert all("too large" in i.reason and "10,000" in i.reason for i in corpus.rejected)


def test_missing_folder(tmp_path):
    with pytest.raises(CorpusError, match="corpus folder not found"):
        load_corpus(tmp_path / "nope")


def test_data_files_beside_the_seeds_are_not_documents(corpus):
    assert all(i.file.endswith(".txt") for i in corpus.inputs)


@pytest.mark.parametrize(
    "yaml_text, message",
    [
        ("documents:\n  a:\n    title: {value: X, basis: guessed}\n", r"line 2, document 'a', field 'title': basis must be one of"),
        ("documents:\n  a:\n    outlet: {value: X, basis: stated}\n  b:\n    colour: red\n", r"line 4, document 'b': unknown field"),
        ("documents:\n  a:\n    published: {value: 'Nov 2019', basis: stated}\n", r"published must be an ISO 8601 date"),
        ("documents:\n  a:\n    genre: {value: blog, basis: inferred}\n", r"genre must be one of"),
        ("documents:\n  a:\n    author: {value: '', basis: stated}\n", r"basis 'stated' needs a value"),
        ("documents:\n  a:\n    segmentation: {boilerplate: ['(unclosed']}\n", r"not a valid regular expression"),
        ("documents:\n  a: [\n", r"invalid YAML at line"),
    ],
)
def test_malformed_sources_yml_names_the_line_and_problem(tmp_path, yaml_text, message):
    (tmp_path / "sources.yml").write_text(yaml_text, encoding="utf-8")
    with pytest.raises(MetadataError, match=message):
        load_sources(tmp_path)


def test_a_document_without_a_sources_entry_loads_with_unknown_metadata(tmp_path, seeds_dir):
    shutil.copy(seeds_dir / "002_66a252709c82cb38.txt", tmp_path / "new_article.txt")
    corpus = load_corpus(tmp_path)
    doc = corpus["new_article"]
    assert doc.title == "Leaked Documents Reveal Extent of Iran’s Grip on Iraq"
    assert doc.meta("outlet").basis == "unknown"
    assert ("new_article.txt", "no entry in sources.yml: all metadata unknown") in corpus.warnings


@pytest.mark.slow
def test_run_size_limit_reaches_the_build_and_the_notebooks(tmp_path):
    """`presslens run --max-bytes` rejects the same files in data/ and in the notebook the kernel ran."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "presslens.cli", "run", "--corpus", "seeds", "--out", str(out), "--notebooks", "00", "--max-bytes", "15000", "--no-progress"]
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["options"]["max_bytes"] == 15000
    assert sorted(r["file"] for r in manifest["rejected"]) == ["000_f852db828fd11835.txt", "004_5ef0e76b6908624d.txt"]
    executed = (out / "notebooks" / "00_corpus_overview.ipynb").read_text()
    assert "too large (34,228 bytes; the limit is 15,000" in executed
    assert "**3** documents accepted, **2** files rejected" in executed
