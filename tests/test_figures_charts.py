"""Notebook 04's charts build on any figures table, and say what there is where a chart would be empty.

The tables are read from short real sentences (``extract_figures``, as ``figures_table`` does) or from
small story folders; a case the reader never produces (a negative bound, ``None``, an infinity) is made by
changing one bound of a real figure. Every chart must build with finite axis ranges, keep its title, axis
titles and source note, and :func:`presslens.figures.nothing_to_draw` must say in one sentence what the
corpus holds. Two papermill runs of notebook 04 (a corpus with no figure, a corpus of one source) close it.
"""

from __future__ import annotations

import html
import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest

from presslens import figures as fg
from presslens.corpus import load_corpus
from presslens.figures import FIGURE_COLUMNS, extract_figures

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "04_casualty_figures.ipynb"

ZERO = "At least 0 people died in the clashes, the ministry said."
FROM_ZERO = "Between 0 and 50 people were killed, according to local officials."
OPEN_HIGH = "More than 2,000 people have been killed since March."
WOUNDED = "Three people were wounded in the blast."
FLED = "Some 1.2 million people have fled their homes."
DISPLACED = "About 800,000 people have been displaced by the fighting."
BIG_COST = "The war has cost $6 trillion."
SMALL_COST = "The damage cost $500."
SHARE = "About 40 percent of the people were displaced."
TROOPS = "In 2014, 3,000 more troops were sent."
CLOSING = "The talks went on through the night, officials said."  # a body needs more than one line


def table(docs: dict[str, str]) -> pd.DataFrame:
    """A figures table of ``source -> text``, one body each, as :func:`figures_table` builds it."""
    rows = [
        {"doc_id": f"{i:03d}", "part": "body", "comment_id": "", **vars(f), "quotes": "", "source": src}
        for i, (src, text) in enumerate(docs.items()) for f in extract_figures(text)
    ]
    frame = pd.DataFrame(rows, columns=FIGURE_COLUMNS)
    for column in ("low", "high"):
        frame[column] = pd.to_numeric(frame[column]).astype("float64")
    return frame


def story(folder: Path, docs: dict[str, str]):
    """A story folder of ``name -> text`` documents (a headline, the text, a closing line): corpus, figures and numbers tables."""
    folder.mkdir(exist_ok=True)
    for name, text in docs.items():
        (folder / f"{name}.txt").write_text(f"A report from {name}\n\n{text} {CLOSING}\n\n{CLOSING}\n", encoding="utf-8")
    corpus = load_corpus(folder)
    return corpus, fg.figures_table(corpus), fg.numbers_table(corpus)


def _finite(values) -> bool:
    return all(isinstance(v, (int, float)) and math.isfinite(v) for v in values)


def check_figures_chart(fig) -> None:
    """Finite axis ranges, every drawn x on a log scale inside the range, title, axis titles and source note kept."""
    assert fig.layout.title.text and fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
    assert any(a.text.startswith("Source: ") for a in fig.layout.annotations)
    assert fig.layout.xaxis.type == "log" and _finite(fig.layout.xaxis.range) and _finite(fig.layout.yaxis.range)
    xs = [x for t in fig.data if t.x is not None for x in t.x]
    assert _finite(xs) and all(x > 0 for x in xs)
    low, high = fig.layout.xaxis.range
    assert all(low <= math.log10(x) <= high for x in xs)
    if fig.layout.xaxis.tickvals:
        assert len(fig.layout.xaxis.tickvals) <= 16 and _finite(fig.layout.xaxis.tickvals)


def check_grid(fig) -> None:
    assert fig.layout.title.text and any(a.text.startswith("Source: ") for a in fig.layout.annotations)
    for trace in fig.data:
        z = [v for row in trace.z for v in row]
        assert all(v != v or math.isfinite(v) for v in z)  # NaN (no figure, or none above zero) or a finite ratio
        assert all(v != v or abs(v) < 20 for v in z)


def drawn_labels(fig) -> set[str]:
    return {t for trace in fig.data if trace.text is not None for t in trace.text}


# ---- bounds a log scale cannot take ---------------------------------------------------------------------


def test_zero_bounds_are_left_out_or_drawn_from_their_upper_bound():
    figures = table({"ministry": ZERO + " " + FROM_ZERO, "agency": OPEN_HIGH})
    assert sorted(zip(figures["low"], figures["high"].fillna(-1))) == [(0.0, -1.0), (0.0, 50.0), (2000.0, -1.0)]
    fig = fg.figures_chart(figures, source="test")
    check_figures_chart(fig)
    assert "1 figure stating no number above zero not drawn" in fig.layout.title.text
    assert {"0–50", "≥ 2,000"} <= drawn_labels(fig) and "≥ 0" not in drawn_labels(fig)  # labelled as stated
    at_most = [t for t in fig.data if t.marker is not None and t.marker.symbol == "triangle-left"]
    assert [list(t.x) for t in at_most] == [[50.0]]  # "between 0 and 50" placed as at most 50
    grid = fg.who_says_what_chart(figures, source="test")
    check_grid(grid)
    assert list(grid.data[0].text[0]) == ["≥ 2,000", "≥ 0; 0–50"]


def test_negative_missing_and_infinite_bounds_build_every_chart():
    figures = table({"ministry": FROM_ZERO + " " + WOUNDED, "agency": OPEN_HIGH + " " + FLED})
    odd = figures.astype({"low": object, "high": object})
    odd.loc[0, ["low", "high"]] = [-5.0, 10.0]   # "-5–10": the old geometric mean raised "math domain error"
    odd.loc[1, ["low", "high"]] = [None, math.inf]  # no usable bound at all
    odd.loc[2, "high"] = None                       # an open high given as None
    for kinds in [("deaths",), ("deaths", "wounded", "displaced")]:
        check_figures_chart(fg.figures_chart(odd, kinds=kinds, source="test"))
    check_grid(fg.who_says_what_chart(odd, source="test"))
    negative = figures.assign(low=-figures["low"].fillna(1.0), high=-figures["high"].fillna(1.0))
    fig = fg.figures_chart(negative, kinds=("deaths", "wounded", "displaced"), source="test")
    check_figures_chart(fig)
    assert f"{len(negative)} figures stating no number above zero not drawn" in fig.layout.title.text
    check_grid(fg.who_says_what_chart(negative, source="test"))
    said = fg.nothing_to_draw(negative, documents=2, kinds=("deaths",))
    assert said.startswith("The 2 figures of deaths found state no number above zero (") and "log scale" in said


def test_log_bounds_keep_only_what_a_log_scale_can_place():
    assert fg.log_bounds(0.0, 50.0) == (pytest.approx(math.nan, nan_ok=True), 50.0)
    assert fg.log_bounds(0.0, 0.0) is None and fg.log_bounds(-3.0, math.nan) is None and fg.log_bounds(None, math.inf) is None
    assert fg.log_bounds(80.0, 20.0) == (20.0, 80.0)
    assert fg.format_bounds(math.inf, 4500.0) == "≤ 4,500" and fg.format_bounds(None, None) == ""


# ---- one source, one figure, one kind --------------------------------------------------------------------


def test_a_single_figure_of_a_single_source():
    figures = table({"agency": OPEN_HIGH})
    assert len(figures) == 1
    fig = fg.figures_chart(figures, claims=fg.headline_claims(figures), source="test")
    check_figures_chart(fig)
    assert list(fig.layout.yaxis.ticktext) == [fg.claim_label(figures["claim_id"][0])] and "≥ 2,000" in drawn_labels(fig)
    grid = fg.who_says_what_chart(figures, source="test")
    check_grid(grid)
    assert fg.nothing_to_draw(figures, documents=1, kinds=("deaths",)) == ""
    assert fg.nothing_to_draw(figures, documents=1, min_sources=2, log_scale=False) == (
        "Only one source states figures (agency: 1 figure in 1 claim): there is no other source to compare it with; "
        "the tables below list its figures."
    )


def test_figures_of_one_kind_only():
    figures = table({"agency": FLED, "ministry": DISPLACED})
    assert set(figures["kind"]) == {"displaced"}
    assert fg.headline_claims(figures) == []  # no death claim: the headline chart has no rows
    assert fg.nothing_to_draw(figures, documents=2, kinds=("deaths",)) == (
        "No figure of deaths was found in the 2 documents; the 2 figures found are of displaced people (2)."
    )
    assert fg.nothing_to_draw(figures, documents=2, kinds=("cost",)).startswith("No figure of war costs was found in the 2 documents")
    assert fg.nothing_to_draw(figures, documents=2, kinds=("deaths", "wounded", "displaced")) == ""
    check_figures_chart(fg.figures_chart(figures, kinds=("deaths", "wounded", "displaced"), source="test"))
    assert fg.nothing_to_draw(figures, documents=2, min_sources=2, log_scale=False) == ""
    check_grid(fg.who_says_what_chart(figures, source="test"))


def test_costs_only():
    figures = table({"agency": BIG_COST, "ministry": SMALL_COST})
    assert set(figures["kind"]) == {"cost"}
    said = fg.nothing_to_draw(figures, documents=2, kinds=("deaths", "wounded", "displaced"))
    assert said == "No figure of deaths, wounded or displaced people was found in the 2 documents; the 2 figures found are of war costs (2)."
    fig = fg.figures_chart(figures, kinds=("cost",), source="test")
    check_figures_chart(fig)
    assert all(t.startswith("$") for t in fig.layout.xaxis.ticktext)
    empty = fg.figures_chart(figures, kinds=("deaths",), source="test")  # asked anyway: an empty chart, still finite
    check_figures_chart(empty)
    assert "no figure to draw" in empty.layout.title.text


def test_very_large_and_very_small_values_on_one_axis():
    figures = table({"agency": BIG_COST + " " + WOUNDED, "ministry": SMALL_COST + " " + FLED})
    costs = fg.figures_chart(figures, kinds=("cost",), source="test")
    check_figures_chart(costs)
    low, high = costs.layout.xaxis.range
    assert low <= math.log10(500) and math.log10(6e12) <= high
    assert list(costs.layout.xaxis.tickvals) == sorted(costs.layout.xaxis.tickvals)
    assert all(math.log10(v).is_integer() for v in costs.layout.xaxis.tickvals)  # ten decades: powers of ten only
    people = fg.figures_chart(figures, kinds=("deaths", "wounded", "displaced"), source="test")
    check_figures_chart(people)
    low, high = people.layout.xaxis.range
    assert low <= math.log10(3) and math.log10(1.2e6) <= high
    tiny = figures.assign(low=figures["low"].where(figures["kind"] != "wounded", 0.25),
                          high=figures["high"].where(figures["kind"] != "wounded", 0.25))  # a fraction beside millions
    fig = fg.figures_chart(tiny, kinds=("deaths", "wounded", "displaced"), source="test")
    check_figures_chart(fig)
    assert fig.layout.xaxis.range[0] <= math.log10(0.25) and "0.1" in fig.layout.xaxis.ticktext and "1M" in fig.layout.xaxis.ticktext


# ---- nothing to find --------------------------------------------------------------------------------------


def test_no_figures_at_all_says_what_was_read(tmp_path: Path):
    corpus, figures, numbers = story(tmp_path / "story", {"one": TROOPS, "two": SHARE, "three": "The report ran to 45 pages."})
    assert figures.empty and len(numbers) == 4
    said = fg.nothing_to_draw(figures, numbers, documents=len(corpus))
    assert said.startswith("No casualty, displacement or cost figures were found in the 3 documents; 4 numbers were read and set aside: ")
    assert "year (1)" in said and "percentage (1)" in said  # every reason, with how many numbers it set aside
    assert all(f"{verdict} ({n})" in said for verdict, n in numbers["verdict"].value_counts().items()) and said.endswith(").")
    check_figures_chart(fg.figures_chart(figures, source="test"))
    grid = fg.who_says_what_chart(figures, source="test")
    assert grid.layout.title.text == "Who says what: no figures" and not grid.data
    empty, _, nothing = story(tmp_path / "words", {"one": "The talks went on through the night."})
    assert fg.nothing_to_draw(fg.figures_table(empty), nothing, documents=1) == (
        "No casualty, displacement or cost figures were found in the document; no other number was read in them."
    )


def test_a_source_with_only_shares_is_not_a_second_source(tmp_path: Path):
    corpus, figures, numbers = story(tmp_path / "story", {"shares": SHARE, "agency": OPEN_HIGH + " " + WOUNDED})
    assert len(corpus) == 2 and figures["doc_id"].nunique() == 1  # the shares are set aside: one source of figures
    assert "percentage" in set(numbers["verdict"])
    said = fg.nothing_to_draw(figures, numbers, documents=len(corpus), min_sources=2, log_scale=False)
    assert said.startswith("Only one source states figures (") and "2 figures in 2 claims" in said
    check_grid(fg.who_says_what_chart(figures, source="test"))


def test_headline_claims_name_no_story_by_default():
    figures = table({"agency": OPEN_HIGH + " " + FLED, "ministry": FROM_ZERO})
    headline = fg.headline_claims(figures)
    assert headline == fg.shared_claims(figures) and len(headline) == 1 and headline[0].startswith("deaths:")
    family = headline[0].split(":", 1)[1].split("@")[0]  # the population both sources count
    assert fg.headline_claims(figures, populations=[family]) == headline
    assert fg.headline_claims(figures, populations=["us", "iraqis"]) == []  # the seeds' populations are not this story's


# ---- notebook 04, run by papermill on two tiny corpora -----------------------------------------------------


def _outputs(path: Path) -> list[dict]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [out for cell in nb["cells"] if cell["cell_type"] == "code" for out in cell.get("outputs", [])]


def _text(outputs: list[dict]) -> str:
    """The outputs as a reader sees them: Markdown without its escapes (``\\(``, ``&quot;``), then every other output."""
    said = ["".join(o["data"]["text/markdown"]) for o in outputs if "text/markdown" in o.get("data", {})]
    return html.unescape(re.sub(r"\\(.)", r"\1", "\n".join(said))) + "\n" + "\n".join(json.dumps(o, ensure_ascii=False) for o in outputs)


def _run(corpus: Path, tmp_path: Path) -> list[dict]:
    from presslens.report.execute import execute_notebook

    target = tmp_path / f"{corpus.name}.ipynb"
    error = execute_notebook(NOTEBOOK, target, parameters={"corpus_dir": str(corpus)}, cwd=ROOT / "notebooks")
    assert error == "", error
    outputs = _outputs(target)
    assert not [o for o in outputs if o.get("output_type") == "error"]
    return outputs


PLOTLY = "application/vnd.plotly.v1+json"


def test_notebook_04_on_a_corpus_with_no_figures_and_on_a_single_source(tmp_path: Path):
    from test_any_story import _pattern, forbidden_names

    nothing = tmp_path / "nothing"
    story(nothing, {"one": TROOPS, "two": SHARE})
    outputs = _run(nothing, tmp_path)
    text = _text(outputs)
    assert "No casualty, displacement or cost figures were found in the 2 documents; 3 numbers were read and set aside: " in text
    assert not [o for o in outputs if PLOTLY in o.get("data", {})]  # no empty chart drawn
    # each section that would show figures says so in a sentence, instead of a heading over nothing
    said = [o["data"]["text/markdown"] for o in outputs if "text/markdown" in o.get("data", {})]
    assert sum("Nothing to show here: no casualty, displacement or cost figure" in "".join(m) for m in said) == 6  # once per section (who says what: its chart, not its grid too)
    alone = tmp_path / "alone"
    story(alone, {"agency": " ".join([OPEN_HIGH, FROM_ZERO, WOUNDED, FLED, BIG_COST])})
    outputs = _run(alone, tmp_path)
    text = _text(outputs)
    assert "Only one source states figures (" in text  # the who-says-what grid: nothing to compare
    charts = [o["data"][PLOTLY] for o in outputs if PLOTLY in o.get("data", {})]
    assert len(charts) == 3  # deaths, all casualty and displacement figures, costs; no grid of one column
    for chart in charts:
        layout = chart["layout"]
        assert _finite(layout["xaxis"]["range"]) and layout["title"]["text"] and layout["xaxis"]["title"]["text"]
    for folder in (nothing, alone):
        said = _text(_outputs(tmp_path / f"{folder.name}.ipynb"))
        leaked = [n for n in forbidden_names(folder) if _pattern(n).search(said)]
        assert not leaked, leaked
