"""Notebook 01 (source comparison) finishes on any corpus and opens with a sentence saying what it found.

Small corpora of real text are built in ``tmp_path`` from the seeds' full article
(its paragraphs, taken apart or copied): one document; two documents that share
no sentence; three versions of one story (the whole text, a copy without its
second paragraph, the opening only); four documents with no shared text. Each runs
notebook 01 alone through papermill (one kernel, no ``presslens run``); that
still takes about 30 s a corpus (kernel, imports, the corpus tables), so those
runs are marked ``slow`` like ``test_any_story``. The library side of each empty
case is tested without a kernel below.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from presslens import framing, reuse
from presslens.corpus import load_corpus

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "01_source_comparison.ipynb"
FULL = ROOT / "seeds" / "004_5ef0e76b6908624d.txt"


def _paragraphs() -> list[str]:
    return [p.strip() for p in FULL.read_text(encoding="utf-8").splitlines() if len(p.split()) >= 12]


def _write(folder: Path, name: str, paragraphs: list[str]) -> None:
    (folder / name).write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")


def one_document(folder: Path) -> None:
    _write(folder, "report.txt", _paragraphs()[:12])


def two_unrelated(folder: Path) -> None:
    paras = _paragraphs()
    _write(folder, "first.txt", paras[:10])
    _write(folder, "second.txt", paras[40:50])


def copies_of_one_story(folder: Path) -> None:
    paras = _paragraphs()[:20]
    _write(folder, "full.txt", paras)
    _write(folder, "condensed.txt", paras[:1] + paras[2:])
    _write(folder, "opening.txt", paras[:6])


def no_shared_text(folder: Path) -> None:
    paras = _paragraphs()
    for k, start in enumerate((0, 12, 24, 36)):
        _write(folder, f"part{k}.txt", paras[start : start + 8])


#: corpus -> the finding its opening sentence must state (a regex on the Markdown)
CORPORA = {
    one_document: r"holds \*\*one document\*\*: there is no other document",
    two_unrelated: r"\*\*No two of the 2 documents share text\*\* \(1 pair compared\)",
    copies_of_one_story: r"\*\*All 3 documents are versions of one story\*\*: every pair shares text",
    no_shared_text: r"\*\*No two of the 4 documents share text\*\* \(6 pairs compared\)",
}


def _markdown(nb: dict) -> list[str]:
    return ["".join(o["data"]["text/markdown"]) for c in nb["cells"] for o in c.get("outputs", []) if "text/markdown" in o.get("data", {})]


@pytest.mark.slow  # a kernel and the corpus tables: ~30 s a corpus on this machine
@pytest.mark.parametrize("build", list(CORPORA), ids=lambda f: f.__name__)
def test_notebook_01_finishes_and_says_what_it_found(build, tmp_path: Path) -> None:
    papermill = pytest.importorskip("papermill")
    corpus = tmp_path / build.__name__
    corpus.mkdir()
    build(corpus)
    out = tmp_path / "01.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOK), str(out), parameters={"corpus_dir": str(corpus)}, kernel_name="python3", cwd=str(ROOT / "notebooks"),
        progress_bar=False,
    )
    nb = json.loads(out.read_text(encoding="utf-8"))
    errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    stderr = [o["text"] for c in nb["cells"] for o in c.get("outputs", []) if o.get("name") == "stderr"]
    assert not stderr, stderr  # no warning printed into the report
    texts = _markdown(nb)
    assert re.search(CORPORA[build], texts[0]), texts[0]  # the opening sentence
    framing_said = [t for t in texts if t.startswith("Framing compares")]
    if build in (one_document, copies_of_one_story):
        assert framing_said, "framing should say why there is nothing to compare"
    if build in (two_unrelated, no_shared_text):  # a sentence instead of a matrix of zeros
        assert any(t.startswith("No sentence of any of the") for t in texts)
        assert not any("similarity_heatmap" in "".join(c["source"]) and any("application/vnd.plotly.v1+json" in o.get("data", {})
                                                                            for o in c.get("outputs", [])) for c in nb["cells"])
    assert all("FramingError" not in t for t in texts)


# ---- the library side, without a kernel ------------------------------------------------------------


def test_findings_on_one_document_and_on_unrelated_documents(tmp_path: Path) -> None:
    one_document(tmp_path)
    corpus = load_corpus(tmp_path)
    relations = reuse.reuse_relations_table(corpus)
    assert relations.empty
    assert "one document" in reuse.findings_text(relations, documents=1)
    assert reuse.findings_text(relations, documents=0) == ""


def test_findings_name_the_story_all_copies_share(tmp_path: Path) -> None:
    copies_of_one_story(tmp_path)
    corpus = load_corpus(tmp_path)
    relations = reuse.reuse_relations_table(corpus)
    labels = {d.doc_id: d.label for d in corpus}
    text = reuse.findings_text(relations, documents=len(corpus), labels=labels)
    assert text.startswith("**All 3 documents are versions of one story**")
    best = relations.sort_values("share_derived", ascending=False).iloc[0]
    assert f"{best['share_derived']:.0%} of its sentences" in text


def test_findings_count_linked_and_lone_documents(tmp_path: Path) -> None:
    copies_of_one_story(tmp_path)
    _write(tmp_path, "other.txt", _paragraphs()[40:48])
    corpus = load_corpus(tmp_path)
    relations = reuse.reuse_relations_table(corpus)
    text = reuse.findings_text(relations, documents=len(corpus))
    assert re.match(r"\*\*3 pairs of 6 compared share text\*\* \(.+\), linking 3 of 4 documents in 1 group; 1 document shares nothing", text), text


def test_findings_escape_labels() -> None:
    relations = pd.DataFrame([{"doc_a": "a", "doc_b": "b", "source": "a", "derived": "b", "type": "reprint", "share_derived": 0.9}])
    text = reuse.findings_text(relations, documents=2, labels={"a": "<b>*x*</b>", "b": "y"})
    assert "<b>" not in text and "&lt;b&gt;" in text


def test_pairs_sharing_only_quotations_are_drawn_undirected_and_told_apart() -> None:
    """A relations table where two documents share a quotation only: no source, no derived (as classify leaves them)."""
    relations = pd.DataFrame([
        {"doc_a": "a", "doc_b": "b", "source": "a", "derived": "b", "type": "condensed reprint", "share_derived": 0.7,
         "direction_basis": "containment", "via": ""},
        {"doc_a": "a", "doc_b": "c", "source": "", "derived": "", "type": "shared quotes only", "share_derived": 0.05,
         "direction_basis": "", "via": ""},
        {"doc_a": "b", "doc_b": "c", "source": "", "derived": "", "type": "shared quotes only", "share_derived": 0.04,
         "direction_basis": "", "via": ""},
    ])
    text = reuse.findings_text(relations, documents=3)
    assert text.startswith("**All 3 documents are linked by reuse** through 3 related pairs of 3 compared (1 condensed reprint, 2 shared quotes only)")
    assert "**b** draws on **a**" in text
    quotes_only = reuse.findings_text(relations.iloc[1:], documents=3)
    assert "no document draws on another beyond the quotations they share" in quotes_only
    assert reuse.direction_evidence(relations) == {"published dates": 0, "wire signature": 0, "containment": 1, "undetermined": 0, "none": 2}
    fig = reuse.reuse_graph(relations, source="test")
    arrows = [a for a in fig.layout.annotations if a.showarrow]
    assert len(arrows) == 1  # the reprint; the quotation links are dashed lines without arrowheads
    dashed = [t for t in fig.data if t.mode == "lines" and t.line.dash == "dash" and t.x[0] is not None]
    assert len(dashed) == 2
    assert reuse.TYPE_COLOURS["shared quotes only"] != reuse.TYPE_COLOURS["reprint"]


def test_framing_of_one_text_is_a_reason_not_an_error() -> None:
    body = FULL.read_text(encoding="utf-8")
    with pytest.raises(framing.FramingError, match="only one of the documents"):
        framing.framing_terms_from_texts({"a": body})
    terms, why = framing.framing_comparison({"a": body})
    assert terms.empty and list(terms.columns) == framing.TERM_COLUMNS
    assert why == "there is only one of the documents, and nothing to compare it with"


def test_framing_with_one_text_of_words_is_a_reason_not_an_error() -> None:
    body = FULL.read_text(encoding="utf-8")
    with pytest.raises(framing.FramingError, match="only 1 of the 2 documents has words"):
        framing.framing_terms_from_texts({"a": body, "b": "2019 — 14, 15."})
    terms, why = framing.framing_comparison({"a": body, "b": "2019 — 14, 15."}, units="outlets")
    assert terms.empty and why == "only 1 of the 2 outlets has words to compare (at least 2 needed)"
    assert framing.framing_comparison({})[1] == "there are no documents"


def test_framing_of_copies_only_is_a_reason_not_an_error(tmp_path: Path) -> None:
    copies_of_one_story(tmp_path)
    corpus = load_corpus(tmp_path)
    partners = reuse.reprint_partners(reuse.reuse_relations_table(corpus))
    texts = {d.doc_id: d.body for d in corpus}
    if set(partners) != set(texts) or any(partners[d] != set(texts) - {d} for d in texts):
        pytest.skip(f"the three versions are not all reprints of one another here: {partners}")
    with pytest.raises(framing.FramingError, match="all 3 documents are reprints of one another"):
        framing.framing_terms_from_texts(texts, exclude=partners)
    terms, why = framing.framing_comparison(texts, exclude=partners)
    assert terms.empty and why.startswith("all 3 documents are reprints of one another")


def test_framing_names_the_texts_left_out() -> None:
    paras = _paragraphs()
    texts = {"a": "\n\n".join(paras[:8]), "b": "\n\n".join(paras[:8]), "c": "\n\n".join(paras[30:38])}
    terms, why = framing.framing_comparison(texts, exclude={"a": ["b", "c"]}, labels={"a": "Wire copy"})
    assert set(terms["doc_id"]) == {"b", "c"}
    assert why.startswith("1 of 3 documents left out (Wire copy)")


def test_framing_bad_setting_and_empty_chart_stay_errors() -> None:
    with pytest.raises(framing.FramingError, match="prior_scale must be > 0"):
        framing.framing_comparison({"a": "Tehran cables.", "b": "Baghdad visitor."}, prior_scale=0)
    with pytest.raises(framing.FramingError, match="no terms to draw"):
        framing.framing_chart(pd.DataFrame(columns=framing.TERM_COLUMNS), source="test")
