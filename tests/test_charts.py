"""Charts an analyst trusts, across stages, on the seeds: one colour per source, kinds in row labels, plain log
ticks, legible co-occurrence, time axes that fit the data."""

from __future__ import annotations

import pandas as pd
import pytest

from presslens import figures as fg
from presslens import framing, sentiment, style, tables
from presslens.figures import figures_table

INTERCEPT = "004_5ef0e76b6908624d"


@pytest.fixture(scope="module")
def figures(corpus):
    return figures_table(corpus)


@pytest.fixture(scope="module")
def labels(corpus):
    return {d.doc_id: d.label for d in corpus}


def _trace_colours(fig, name: str) -> set[str]:
    """The colours of the traces named ``name`` (their line or marker colour)."""
    out = set()
    for t in fig.data:
        if t.name == name:
            colour = (t.line.color if t.line and t.line.color else None) or (t.marker.color if isinstance(t.marker.color, str) else None)
            if colour:
                out.add(colour)
    return out


def test_source_colours_follow_the_corpus_order_not_the_chart(labels):
    everyone = style.source_colours(labels.values())
    intercept = labels[INTERCEPT]
    assert style.source_colours([intercept])[intercept] == everyone[intercept] == style.PALETTE[4]
    assert style.colour_for(everyone, intercept + " · reader comment") == everyone[intercept]
    assert len(set(everyone.values())) == len(labels)
    outlets = style.source_colours(["AP", "Reuters", "BBC"])  # unnumbered sources: by their position in the list
    assert outlets == {"AP": style.PALETTE[0], "Reuters": style.PALETTE[1], "BBC": style.PALETTE[2]}


def test_a_source_keeps_its_colour_in_every_chart(corpus, figures, labels):
    """004 is drawn in the deaths chart (among three sources) and the framing chart (among five): one colour."""
    intercept = labels[INTERCEPT]
    deaths = fg.figures_chart(figures, claims=fg.headline_claims(figures), source="seeds")
    costs = fg.figures_chart(figures, kinds=("cost",), source="seeds")
    terms = framing.framing_chart(framing.framing_terms(corpus), labels=labels, source="seeds")
    panel = [a.text for a in terms.layout.annotations].index(intercept)
    numbered = [t for t in terms.data if t.mode == "markers+text"][panel]
    colour = style.PALETTE[4]
    assert _trace_colours(deaths, intercept) == {colour}
    assert _trace_colours(costs, intercept) <= {colour}
    assert numbered.marker.color == colour
    comments = tables.comments_table(corpus)
    bins = sentiment.time_rollup(sentiment.thread_table(comments), freq="1D")
    timed = sentiment.time_chart(bins, source="seeds")
    for doc_id in bins["doc_id"].unique():
        bar = next(t for t in timed.data if t.type == "bar" and t.name == f"{doc_id}: comments")
        assert bar.marker.color == style.source_colours([doc_id])[doc_id]


def test_the_all_figures_chart_names_the_kind_of_each_row(figures):
    fig = fg.figures_chart(figures, kinds=("deaths", "wounded", "displaced"), source="seeds")
    rows = list(fig.layout.yaxis.ticktext)
    kinds = sorted(set(figures.loc[figures["kind"] != "cost", "kind"]))
    assert len(kinds) > 1 and rows
    named = [[k for k in kinds if k in r.split(" · ")[0].split()] for r in rows]
    assert all(len(n) == 1 for n in named), rows  # "displaced · Sunnis", "indirect deaths (disease…) · 'war on terror'"
    assert {n[0] for n in named} == set(kinds)
    hovers = [str(t.customdata[0][0]) for t in fig.data if t.customdata is not None]
    assert all(any(f"{k}, as written" in h for k in kinds) for h in hovers)
    alone = fg.figures_chart(figures, kinds=("deaths",), source="seeds")
    assert not any(r.startswith("deaths · ") for r in alone.layout.yaxis.ticktext)  # one kind: the title says it


PLAIN_TICK = r"^\$?\d+(\.\d+)?[kMBT]?$"


@pytest.mark.parametrize("kinds", [("deaths", "wounded", "displaced"), ("cost",)])
def test_log_axes_show_plain_ticks_over_the_data(figures, kinds):
    fig = fg.figures_chart(figures, kinds=kinds, source="seeds")
    axis = fig.layout.xaxis
    assert axis.tickmode == "array" and len(axis.tickvals) >= 3
    assert all(pd.Series(axis.ticktext).str.match(PLAIN_TICK)), axis.ticktext
    assert all(t.startswith("$") for t in axis.ticktext) == (kinds == ("cost",))
    assert list(axis.tickvals) == sorted(axis.tickvals)
    xs = [x for t in fig.data if t.x is not None for x in t.x if x]
    low, high = axis.range
    assert 10 ** low <= min(xs) and max(xs) <= 10 ** high


def test_log_ticks_never_mix_minor_digits_with_units():
    values, text = style.log_ticks(7e11, 3e12, money=True)
    assert text == ["$500B", "$1T", "$2T", "$5T"]
    assert style.log_ticks(1, 5e6)[1] == ["1", "10", "100", "1k", "10k", "100k", "1M", "10M"]
    assert style.log_ticks(0, 10) == ([], [])


def test_framing_chart_log_axis_has_plain_ticks(corpus, labels):
    fig = framing.framing_chart(framing.framing_terms(corpus), labels=labels, source="seeds")
    axes = [fig.layout[k] for k in fig.layout if k.startswith("xaxis")]
    assert axes and all(a.tickmode == "array" and all(pd.Series(a.ticktext).str.match(PLAIN_TICK)) for a in axes)


def test_cooccurrence_network_draws_only_the_strongest_pairs(corpus):
    from presslens import entities as E

    mentions = E.entity_mentions_table(corpus)
    pairs = E.cooccurrence_table(mentions)
    strong = pairs[pairs["sentences"] >= 3]
    assert len(strong) > 25  # the seeds' tangle: ~100 pairs
    fig = E.network_chart(mentions, pairs, min_sentences=3, top=30, source="seeds")
    hover = next(t for t in fig.data if t.mode == "markers" and t.customdata is not None and len(t.customdata[0]) == 4)
    drawn = {(a, b) for a, b, *_ in hover.customdata}
    assert len(drawn) == 25
    weakest_drawn = min(int(n) for *_, n, _ in hover.customdata)
    assert not any(n > weakest_drawn for (a, b, n) in zip(strong["entity_a"], strong["entity_b"], strong["sentences"]) if (a, b) not in drawn)
    nodes = [t for t in fig.data if t.mode == "markers+text"]
    names = [x for t in nodes for x in t.text if x]
    assert 0 < len(names) <= 12 < sum(len(t.x) for t in nodes)
    assert "Iran" in names and f"the 25 strongest of {len(strong)} pairs" in fig.layout.title.text


@pytest.mark.parametrize("module", ["presslens.style", "presslens.text.times"])
def test_doctests(module):
    import doctest
    import importlib

    assert doctest.testmod(importlib.import_module(module)).failed == 0


def test_a_bare_date_keeps_its_day(corpus):
    """003's "2012-08-05" is the 5th of August, not August with a "-05" UTC offset dropped."""
    from presslens.text.times import page_times

    assert str(page_times([corpus["003_2637237e9277fabb"].meta("published").value])[0]) == "2012-08-05 00:00:00"


def test_timeline_fits_the_dates_and_breaks_where_nothing_happened(corpus):
    """The seeds: 003 published in 2012, 000's comments in 2019: two panels, each on its own dates, not one 8-year axis."""
    from presslens.ingest import charts

    fig = charts.timeline_chart(corpus, source="seeds")
    first, second = (pd.to_datetime(list(fig.layout[a].range)) for a in ("xaxis", "xaxis2"))
    assert first[0] < pd.Timestamp("2012-08-05") < first[1] and first[1] - first[0] <= pd.Timedelta(days=7)
    posted = pd.to_datetime([c.posted for c in corpus["000_f852db828fd11835"].comments])
    assert second[0] < posted.min() and posted.max() < second[1]
    assert second[1] - second[0] < 1.2 * (posted.max() - posted.min())
    assert "broken" in fig.layout.title.text
    assert sorted(t.name for t in fig.data if t.showlegend) == ["comment posted", "published"]


def test_one_dated_document_gets_a_week(tmp_path, seeds_dir):
    import shutil

    from presslens.ingest import charts
    from presslens.ingest.corpus import load_corpus

    shutil.copy(seeds_dir / "003_2637237e9277fabb.txt", tmp_path)
    shutil.copy(seeds_dir / "sources.yml", tmp_path)
    one = load_corpus(tmp_path)
    fig = charts.timeline_chart(one, source="one")
    low, high = pd.to_datetime(list(fig.layout.xaxis.range))
    assert high - low == pd.Timedelta(days=6) and low < pd.Timestamp("2012-08-05") < high
    assert "broken" not in fig.layout.title.text


def test_sentiment_time_axis_spans_the_bins(corpus):
    bins = sentiment.time_rollup(sentiment.thread_table(tables.comments_table(corpus)), freq="1h")
    fig = sentiment.time_chart(bins, source="seeds")
    low, high = pd.to_datetime(list(fig.layout.xaxis.range))
    assert low <= pd.to_datetime(bins["bin_start"]).min() and pd.to_datetime(bins["bin_end"]).max() <= high
    assert high - low < pd.Timedelta(days=3)


def test_unnumbered_sources_keep_the_colour_the_corpus_gives_them(corpus, figures, labels):
    """Sources named without numbers (a story of outlets' pages): the corpus's colours, passed to each chart, hold."""
    names = {d: f"outlet {chr(ord('a') + i)}" for i, d in enumerate(labels)}  # doc_id -> an unnumbered name
    renamed = {labels[d]: n for d, n in names.items()}
    table = figures.assign(source=[renamed[s.split(" · reader comment")[0]] + (" · reader comment" if "reader comment" in s else "")
                                   for s in figures["source"]])
    colours = style.source_colours({f"doc-{n}": n for n in names.values()})
    intercept = names[INTERCEPT]
    deaths = fg.figures_chart(table, claims=fg.headline_claims(table), source="seeds", colours=colours)
    terms = framing.framing_terms(corpus)
    panels = framing.framing_chart(terms.assign(doc_id=terms["doc_id"].map(names)), source="seeds", colours=colours)
    panel = [a.text for a in panels.layout.annotations].index(intercept)
    numbered = [t for t in panels.data if t.mode == "markers+text"][panel]
    assert _trace_colours(deaths, intercept) == {numbered.marker.color} == {colours[intercept]} == {style.PALETTE[4]}
    drawn = {t.name for t in deaths.data if t.name}
    assert len({colours[style.source_key(n.replace("<br>", " · "))] for n in drawn}) == len({style.source_key(n.replace("<br>", " · ")) for n in drawn})


def test_the_source_note_sits_below_wrapped_x_tick_labels_and_the_axis_title():
    """A heatmap of documents with labels wrapped over four lines pushes its x-axis title down: the source note goes
    lower by the three extra lines (and the bottom margin grows with it), so the two never overlap; a chart with
    one-line ticks keeps the note where it was."""
    import plotly.graph_objects as go

    from presslens.style import TICK_LINE_PIXELS, add_source, x_tick_lines

    wrapped = go.Figure(go.Heatmap(z=[[0.1, 0.2], [0.3, 0.4]], x=["rep<br>News<br>Diplomacy<br>(Reuters)", "oth<br>East Coast"],
                                   y=["a", "b"]))
    wrapped.update_layout(xaxis_title="found in (doc_b)")
    add_source(wrapped, "presslens source comparison of a story (6 documents)")
    note = wrapped.layout.annotations[-1]
    assert x_tick_lines(wrapped) == 4
    assert note.yshift == -72 - 3 * TICK_LINE_PIXELS and wrapped.layout.margin.b == 110 + 3 * TICK_LINE_PIXELS
    plain = add_source(go.Figure(go.Bar(x=["one", "two"], y=[1, 2])), "a source")
    assert plain.layout.annotations[-1].yshift == -72 and plain.layout.margin.b == 110
    horizontal = add_source(go.Figure(go.Bar(y=["a<br>b<br>c"], x=[1], orientation="h")), "a source")  # labels on y
    assert horizontal.layout.annotations[-1].yshift == -72
