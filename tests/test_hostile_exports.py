"""Hostile input, round two (#19, part A): spreadsheets, chart markup and machine paths in what a run exports.

The corpus is the seeds, copied under a distinctive absolute folder, with doc
ids (file names), titles, authors, comment authors and comment texts that
start with the characters a spreadsheet reads as a formula (``= + - @``, tab,
carriage return) or with ``'``; outlets, titles and comment authors that carry
plotly's own markup (``<a href>``, ``<b>``, ``&amp;``); and a ``sources.yml``
entry without a file, whose warning names the corpus folder.

* Every CSV the run writes opens in a spreadsheet as text: no cell starts like
  a formula unless it is a number, and :func:`presslens.io.read_csv` gives the
  raw values back exactly.
* Chart text from documents is drawn as text: the figures hold it escaped, the
  browser shows the characters, and no plot holds a link to ``e.vil``.
* No report, the index and ``reports/run.json`` name the corpus's absolute
  path, the home folder or the temporary folder the run happened in.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
import yaml

from browser_support import CHROMIUM, PageCheck, open_report, run_presslens

from presslens.io import FORMULA_START, read_csv, write_csv

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

#: the seeds' doc ids and the hostile ids they are renamed to (file names: id + ".txt")
RENAMED = {
    "000_f852db828fd11835": "=1+1",
    "001_9e368b0eaaa11057": "+SUM(A1)",
    "002_66a252709c82cb38": "-2+3",
    "003_2637237e9277fabb": "@cmd",
    "004_5ef0e76b6908624d": "'quoted",
}
#: two more documents (a short copy of the first seed's body) whose ids start with a tab and a carriage return
EXTRA = ["\tTAB", "\rCR"]
LINK = '<a href="http://e.vil">x</a>'
#: metadata of each document: every text starts like a formula, outlets carry plotly's markup
TITLES = ["=HYPERLINK(\"http://e.vil\",\"click\")", "+1 title", "-title", "@title", "\ttitle", "\rtitle", "'title"]
AUTHORS = ["@author", "=author", "+author", "-author", "\tauthor", "\rauthor", "'author"]
OUTLETS = [f"{LINK} Outlet", "<b>Bold</b> Outlet", "AT&amp;T Outlet", "<i>It</i> Outlet", f"=Outlet {LINK}", "+Outlet", "-Outlet"]
#: comment authors and the starts of comment texts in the first seed, and what they become
COMMENT_EDITS = {
    "starfcker\n": "@starfcker\n",
    "gilberts\n": "=gilberts\n",
    "Jai Seli\n": f"{LINK}\n",
    "The only problem is we didn’t need": "-The only problem is we didn’t need",
    "Does “Winner” imply": "=Does “Winner” imply",
    "Pfft. Why niggle": "+Pfft. Why niggle",
}
DANGEROUS = (*FORMULA_START, "'")


def hostile_corpus(folder: Path) -> Path:
    """The seeds renamed and rewritten as described above, in ``folder``."""
    folder.mkdir(parents=True)
    sources = yaml.safe_load((SEEDS / "sources.yml").read_text(encoding="utf-8"))
    documents = {}
    first = (SEEDS / "000_f852db828fd11835.txt").read_text(encoding="utf-8")
    for old, new in COMMENT_EDITS.items():
        assert old in first, old
        first = first.replace(old, new)
    for k, (old_id, new_id) in enumerate([*RENAMED.items(), *((None, e) for e in EXTRA)]):
        if old_id is None:
            text = "\n\n".join(first.split("\n\n")[: 6 + k]) + "\n"  # a different length each: no duplicates
            entry = json.loads(json.dumps(sources["documents"]["000_f852db828fd11835"]))
        else:
            text = first if k == 0 else (SEEDS / f"{old_id}.txt").read_text(encoding="utf-8")
            entry = sources["documents"][old_id]
        (folder / f"{new_id}.txt").write_text(text, encoding="utf-8")
        entry["file"] = f"{new_id}.txt"
        for field, value in (("title", TITLES[k]), ("author", AUTHORS[k]), ("outlet", OUTLETS[k])):
            entry[field] = {"value": value, "basis": "stated", "evidence": f"{value} (line 1)"}
        if isinstance(entry.get("published"), dict):
            entry["published"]["evidence"] = f"{LINK} <b>Bold</b> {entry['published'].get('evidence', '')}"
        documents[new_id] = entry
    documents["ghost"] = {"file": "ghost.txt"}  # no such file: its warning names the corpus folder
    sources["documents"] = documents
    (folder / "sources.yml").write_text(yaml.safe_dump(sources, allow_unicode=True, sort_keys=False), encoding="utf-8")
    shutil.copy(SEEDS / "entities.yml", folder / "entities.yml")
    return folder


def csv_cells(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------- fast: the writer and the reader


def test_text_cells_that_start_like_a_formula_are_marked_and_read_back(tmp_path):
    raw = ["=1+1", "+1", "-1", "@SUM(A1)", "\tTAB", "\rCR", "'quoted", "''twice", "plain", "-", "a=b", "", "x\ry\r\nz"]
    frame = pd.DataFrame({
        "=label": raw, "number": [-0.42] * len(raw), "count": range(-6, len(raw) - 6),
        "kind": pd.Categorical(["=cat"] * len(raw)), "flag": [True] * len(raw),
    })
    path = write_csv(frame, tmp_path / "t.csv")
    rows = csv_cells(path)
    assert len(rows) == len(raw) + 1, "a carriage return inside a cell split a row"
    for row in rows:
        for cell in row:
            assert not cell.startswith(DANGEROUS[:-1]) or is_number(cell), f"{cell!r} starts like a formula"
    assert [r[0] for r in rows[1:]][:8] == ["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tTAB", "'\rCR", "''quoted", "'''twice"]
    assert rows[0][0] == "'=label", "a column named by a document is marked too"
    assert rows[1][1] == "-0.42" and rows[1][2] == "-6" and rows[1][3] == "'=cat", "numbers stay numbers"
    back = read_csv(path, keep_default_na=False)
    assert back["=label"].tolist() == raw
    assert back["kind"].tolist() == ["=cat"] * len(raw)
    assert back["number"].tolist() == [-0.42] * len(raw) and back["count"].tolist() == list(range(-6, len(raw) - 6))
    assert path.read_bytes().count(b"\r\n") == 1 and path.read_bytes().endswith(b"\n"), "row ends stay \\n"


def test_a_table_without_such_cells_is_written_as_before(tmp_path):
    frame = pd.DataFrame({"doc_id": ["a", "b"], "value": [-1.5, 2.0], "text": ["one, two", 'say "hi"']})
    path = write_csv(frame, tmp_path / "plain.csv")
    assert path.read_text(encoding="utf-8") == frame.to_csv(index=False, lineterminator="\n")


def _strings(value) -> list[str]:
    """Every string in a figure's data (``fig.to_json`` would hide ``<`` as ``\\u003c``)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, (list, tuple, np.ndarray)):
        return [s for v in value for s in _strings(v)]
    return []


def _figure_text(fig) -> str:
    return "\n".join(_strings(fig.to_plotly_json()))


def _raw_markup(fig) -> list[str]:
    """The plotly markup a document smuggled into a figure unescaped (tags plotly would render)."""
    text = _figure_text(fig)
    return [m for m in ("<a href", "<b>Bold", "<i>", "</a>") if m in text]


def test_sentiment_charts_escape_ids_legends_and_hover_from_documents():
    from presslens import sentiment

    doc = f"{LINK}<b>Bold</b>"
    threads = pd.DataFrame({
        "doc_id": [doc, doc], "thread_id": ["t1", "t1"], "order": [1, 2], "comment_id": ["<b>Bold</b>1", "<i>2"],
        "reply_to": ["", "<b>Bold</b>1"], "depth": [0, 1], "author": [LINK, "<b>Bold</b>"],
        "posted": ["2019-11-30T15:05:00<i>", "2019-11-30T16:05:00"], "compound": [-0.5, 0.4], "label": ["negative", "positive"],
        "text": [f"{LINK} AT&amp;T", "<b>Bold</b>"],
    })
    figures = [sentiment.thread_chart(threads, doc_id=doc, label=doc, source="test")]
    rollup = pd.DataFrame({"who": [LINK, LINK], "part": ["<b>Bold</b>", "<i>it"], "n": [3, 4], "mean": [-0.2, 0.3],
                           "ci_low": [-0.4, 0.1], "ci_high": [0.0, 0.5]})
    figures.append(sentiment.rollup_chart(rollup, label="who", series="part", title="t", source="test"))
    bins = pd.DataFrame({"doc_id": [doc], "bin_start": ["2019-11-30T15:00:00"], "bin_end": ["2019-11-30T16:00:00"], "n": [2],
                         "mean": [-0.1], "ci_low": [-0.3], "ci_high": [0.1], "note": ["<b>Bold</b> note"]})
    figures.append(sentiment.time_chart(bins, source="test"))
    for fig in figures:
        assert not _raw_markup(fig), (_raw_markup(fig), fig.to_json()[:2000])
    every = "".join(_figure_text(f) for f in figures)
    assert '&lt;a href="http://e.vil"&gt;' in every and "&lt;b&gt;Bold&lt;/b&gt;" in every and "AT&amp;amp;T" in every


def test_timeline_hover_escapes_metadata_evidence_and_comment_authors(tmp_path):
    from presslens.corpus import load_corpus
    from presslens.ingest.charts import timeline_chart

    corpus = load_corpus(hostile_corpus(tmp_path / "story"))
    fig = timeline_chart(corpus, source="test")
    assert not _raw_markup(fig), _raw_markup(fig)
    text = _figure_text(fig)
    assert "&lt;b&gt;Bold&lt;/b&gt;" in text and "@starfcker" in text


# ---------------------------------------------------------------- slow: the whole suite on the hostile corpus


@pytest.fixture(scope="module")
def exports_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("private-3b7f")
    corpus = hostile_corpus(base / "Case Files 9c1e" / "my-story")
    out = base / "out"
    proc = run_presslens(corpus, out, root=ROOT)
    assert proc.returncode == 0, f"presslens run exited {proc.returncode}:\n{proc.stderr[-4000:]}"
    return corpus, out, proc


@pytest.mark.slow
def test_no_csv_cell_of_the_run_starts_like_a_formula(exports_run):
    _, out, _ = exports_run
    files = sorted((out / "data").rglob("*.csv"))
    assert len(files) >= 15 and any("views" in f.parts for f in files), [f.name for f in files]
    marked = 0
    for path in files:
        for row in csv_cells(path):
            for cell in row:
                assert not cell.startswith(FORMULA_START) or is_number(cell), f"{path.name}: {cell[:60]!r}"
                marked += cell.startswith("'")
    assert marked > 50, "the hostile corpus puts text starting like a formula in many cells"


@pytest.mark.slow
def test_reading_the_run_back_gives_the_raw_values(exports_run):
    _, out, _ = exports_run
    ids = [*RENAMED.values(), *EXTRA]
    documents = read_csv(out / "data" / "documents.csv", keep_default_na=False, dtype=str).set_index("doc_id")
    assert sorted(documents.index) == sorted(ids)
    assert sorted(documents["file"]) == sorted(f"{i}.txt" for i in ids)
    # metadata values and headlines are stripped of surrounding white space when read, so "\tauthor" is "author"
    assert sorted(documents["author"]) == sorted(a.strip() for a in AUTHORS) and sorted(documents["outlet"]) == sorted(OUTLETS)
    metadata = read_csv(out / "data" / "metadata.csv", keep_default_na=False, dtype=str)
    titles = metadata[metadata["field"] == "title"]
    assert sorted(titles["value"]) == sorted(t.strip() for t in TITLES) and sorted(titles["evidence"]) == sorted(f"{t.strip()} (line 1)" for t in TITLES)
    comments = read_csv(out / "data" / "comments.csv", keep_default_na=False, dtype=str)
    mine = comments[comments["doc_id"] == "=1+1"]
    assert {"@starfcker", "=gilberts", LINK} <= set(mine["author"])
    starts = {text.split(" ")[0] for text in mine["text"]}
    assert {"-The", "=Does", "+Pfft."} <= starts
    threads = read_csv(out / "data" / "comment_threads.csv", keep_default_na=False, dtype=str)
    assert "=1+1" in set(threads["doc_id"])
    inputs = read_csv(out / "data" / "inputs.csv", keep_default_na=False, dtype=str)
    assert {f"{i}.txt" for i in ids} <= set(inputs["file"])
    # numbers stay numbers: the compound score column is read as floats, negative ones included
    scores = read_csv(out / "data" / "comments.csv")["compound"]
    assert scores.dtype.kind == "f" and (scores < 0).any()


def _figures(out: Path, name: str) -> list[str]:
    nb = nbformat.read(out / "notebooks" / f"{name}.ipynb", as_version=4)
    return ["\n".join(_strings(o["data"]["application/vnd.plotly.v1+json"]))
            for c in nb.cells for o in c.get("outputs", []) if "application/vnd.plotly.v1+json" in o.get("data", {})]


@pytest.mark.slow
def test_chart_text_from_documents_is_escaped_in_every_figure(exports_run):
    _, out, _ = exports_run
    figures = {name: _figures(out, name) for name in NOTEBOOKS}
    assert sum(map(len, figures.values())) >= 10
    for name, texts in figures.items():
        for text in texts:
            for raw in ("<a href", "<b>Bold", "<i>It", "<a ", "</a>"):
                assert raw not in text, f"{name}: {raw!r} reaches a figure unescaped: ...{text[max(0, text.find(raw) - 200):text.find(raw) + 80]}"
    every = "".join(t for texts in figures.values() for t in texts)
    assert '&lt;a href="http://e.vil"&gt;' in every and "&lt;b&gt;Bold&lt;/b&gt;" in every
    assert "AT&amp;amp;T" in every, "an entity in a document stays an entity, shown as written"


def _forbidden(corpus: Path, out: Path) -> list[str]:
    base = out.parent
    return [str(corpus), str(corpus.resolve()), str(base), str(base.resolve()), f"{Path.home()}/", "pytest-of-"]


@pytest.mark.slow
def test_no_report_index_or_manifest_copy_names_a_machine_path(exports_run):
    corpus, out, _ = exports_run
    pages = sorted((out / "reports").glob("*.html"))
    assert {p.stem for p in pages} == {*NOTEBOOKS, "index"}
    for path in [*pages, out / "reports" / "run.json"]:
        text = path.read_text(encoding="utf-8")
        for secret in _forbidden(corpus, out):
            assert secret not in text, f"{path.name} names {secret!r}: ...{text[max(0, text.find(secret) - 150):text.find(secret) + 80]}"
    index = (out / "reports" / "index.html").read_text(encoding="utf-8")
    assert "<code>my-story</code>" in index, "the index names the corpus by its folder's name"
    assert "ghost" in index, "the warning about the missing file is still shown"
    public = json.loads((out / "reports" / "run.json").read_text(encoding="utf-8"))
    assert public["corpus"] == public["corpus_display"] == "my-story"
    assert {e["corpus"] for e in public["notebooks"]} == {"my-story"}
    assert all(f"{e}" for e in public["warnings"])
    # the local manifest (not mailed) keeps the absolute path a later partial run needs
    local = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert local["corpus"] == str(corpus.resolve()) and local["corpus_display"] == "my-story"
    overview = (out / "reports" / "00_corpus_overview.html").read_text(encoding="utf-8")
    assert "<dd><code>my-story</code></dd>" in overview


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_charts_show_document_markup_as_text_in_the_browser(exports_run, browser_context, name):
    _, out, proc = exports_run
    check, expected = open_report(browser_context, out, name, stderr=proc.stderr, shot="exports")
    try:
        drawn = check.wait_for_charts(expected)
        assert drawn == expected, check.fail(f"{name}: {drawn} of {expected} charts drawn")
        links = check.page.evaluate(
            """() => [...document.querySelectorAll('a')].map(a => a.getAttribute('href') || a.getAttribute('xlink:href') || '')
                 .filter(h => h.includes('e.vil'))"""
        )
        assert not links, check.fail(f"{name}: links to e.vil {links}")
        svg_text = " ".join(check.page.evaluate("() => [...document.querySelectorAll('.js-plotly-plot svg text')].map(t => t.textContent)"))
        if name in ("00_corpus_overview", "01_source_comparison", "03_entity_frequencies", "04_casualty_figures"):
            assert "<b>Bold</b>" in svg_text or '<a href="http://e.vil">' in svg_text, check.fail(f"{name}: markup not shown as text")
        if "AT&" in svg_text:  # the outlet "AT&amp;T" is shown as written: neither decoded nor escaped twice
            assert "AT&amp;T" in svg_text and "AT&amp;amp;" not in svg_text, check.fail(f"{name}: entity not shown as written")
        assert not check.errors, check.fail(f"{name}: console errors {check.errors}")
    finally:
        check.close()


def test_export_shows_no_machine_path_in_code_outputs_charts_or_header(tmp_path):
    from presslens.report.export import PathShown, ReportHeader, export_html

    corpus = tmp_path / "Case Files" / "my-story"
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(f'corpus_dir = "{corpus}"')
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stderr", text=f"WARNING read {corpus}/a.txt; cache {tmp_path}/out/cache\n"),
        nbformat.v4.new_output("display_data", data={"text/plain": f"{Path.home()}/notes"}),
        nbformat.v4.new_output("display_data", data={
            "application/vnd.plotly.v1+json": {"data": [], "layout": {"title": {"text": f"from {corpus}"}}},
        }),
    ]
    nb.cells = [cell]
    shown = PathShown.for_run(corpus, shown="my-story", out=tmp_path / "out", home=Path.home())
    header = ReportHeader(title="t", corpus="my-story", parameters={"corpus_dir": str(corpus)}, error=f"failed in {corpus}/x")
    page = export_html(nb, header=header, with_code=True, shown=shown)
    assert str(tmp_path) not in page and f"{Path.home()}/" not in page
    assert "my-story/a.txt" in page and "out/cache" in page and "from my-story" in page and "~/notes" in page
    assert nb.cells[0].source == f'corpus_dir = "{corpus}"', "the executed notebook itself is not changed"
