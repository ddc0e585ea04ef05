"""The news gold sets of issue #16 (tests/data/figures_news/) and the evaluation that scores against them.

Four gold files: ``dev.yml`` (odd-numbered texts of ``../shared/corpora/news-figures-dev``), ``eval.yml`` (its
even-numbered texts), and ``pages_dev.yml`` / ``pages_eval.yml`` (the pages of
``../corpora-local/news-figures-pages``, split the same way), all read in place and skipped when the shared
corpora are absent. Every entry must resolve, every number of an annotated document must be covered, and the
split (odd: development, even: evaluation) must hold. The evaluation's own tests run on the seeds.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from corpora_support import NEWS_DEV, NEWS_PAGES, load_pages_gold

from presslens import figures as fg
from presslens.corpus import load_corpus
from presslens.figures import FIGURE_COLUMNS, evaluate, evaluate_set, evaluate_sets, figures_table, gold_split, load_gold

ROOT = Path(__file__).resolve().parents[1]
NEWS_GOLD = ROOT / "tests" / "data" / "figures_news"
PAGES = NEWS_PAGES
SEEDS_GOLD = ROOT / "tests" / "data" / "figures_gold.yml"
#: gold file -> (its corpus folder, the part of the split it may annotate)
GOLD_SETS = {
    "dev.yml": (NEWS_DEV, "dev"),
    "eval.yml": (NEWS_DEV, "eval"),
    "pages_dev.yml": (PAGES, "dev"),
    "pages_eval.yml": (PAGES, "eval"),
}

_CORPORA: dict[Path, object] = {}


def _corpus(folder: Path):
    if not folder.is_dir():
        pytest.skip(f"the development corpora are absent ({folder})")
    if folder not in _CORPORA:
        _CORPORA[folder] = load_corpus(folder, strict=True)
    return _CORPORA[folder]


def _gold(name: str):
    folder, _ = GOLD_SETS[name]
    corpus = _corpus(folder)
    path = NEWS_GOLD / name
    assert path.is_file(), f"{path} is missing"
    if folder == PAGES:
        return load_pages_gold(path, corpus), corpus
    return load_gold(path, corpus), corpus


@pytest.mark.parametrize("name", GOLD_SETS)
def test_every_gold_entry_resolves_in_its_corpus(name):
    """load_gold places every entry's number exactly once (it raises, naming file and line, otherwise)."""
    gold, corpus = _gold(name)
    assert len(gold.figures) > 0 and len(gold.traps) > 0
    for frame in (gold.figures, gold.traps):
        for r in frame.itertuples():
            text = corpus[r.doc_id].body
            assert text[r.num_start : r.num_end] == r.value_text
            assert text[r.start : r.end] == r.sentence and r.start <= r.num_start < r.num_end <= r.end  # the sentence(s) holding it


@pytest.mark.parametrize("name", GOLD_SETS)
def test_every_number_of_an_annotated_document_is_covered(name):
    gold, corpus = _gold(name)
    uncovered = fg.uncovered_numbers(gold, corpus)
    assert uncovered.empty, uncovered.to_string()


@pytest.mark.parametrize("name", GOLD_SETS)
def test_the_split_is_respected(name):
    """dev files annotate only odd-numbered texts and pages, eval files only even-numbered ones."""
    gold, _ = _gold(name)
    part = GOLD_SETS[name][1]
    assert gold.doc_ids and {gold_split(d) for d in gold.doc_ids} == {part}


def test_dev_and_eval_annotate_every_text_of_their_part():
    """Together the two news files annotate 30 or more of the 40 texts, each text in the file of its part."""
    docs = {name: set(_gold(name)[0].doc_ids) for name in ("dev.yml", "eval.yml")}
    assert not docs["dev.yml"] & docs["eval.yml"]
    assert len(docs["dev.yml"] | docs["eval.yml"]) >= 30


def test_the_news_gold_is_as_large_as_the_issue_asks():
    """Issue #16: at least 300 figures and 300 non-figure numbers (trap occurrences) across at least 30 documents."""
    figures = traps = 0
    documents: set[tuple[str, str]] = set()
    for name in GOLD_SETS:
        gold, _ = _gold(name)
        figures += len(gold.figures)
        traps += len(gold.traps)
        documents.update((str(GOLD_SETS[name][0]), d) for d in gold.doc_ids)
    assert (figures >= 300, traps >= 300, len(documents) >= 30) == (True, True, True), (figures, traps, len(documents))


def test_every_page_is_read_with_its_full_text():
    """The pages are plain text: every line is in a segment of its document, in order; nothing is removed but a bare
    link or the headline repeated; the body (what the figure reader reads) is the text but its header lines (title,
    a short first line taken as standfirst, bylines) and subheads, which the gold does not annotate either."""
    if not PAGES.is_dir():
        pytest.skip(f"the development corpora are absent ({PAGES})")
    corpus = _corpus(PAGES)
    files = sorted(PAGES.glob("*.txt"))
    assert files and [d.doc_id for d in corpus] == [p.stem for p in files]
    for doc, path in zip(corpus, files):
        words = path.read_text(encoding="utf-8").split()
        segments = sorted(doc.segments, key=lambda s: s.line)
        assert " ".join(s.text for s in segments).split() == words, doc.doc_id
        assert {s.rule for s in segments if s.kind == "boilerplate"} <= {"bare-link", "repeated-title"}, doc.doc_id
        kept = {s.kind for s in segments} - {"body", "boilerplate"}
        assert kept <= {"title", "subhead", "standfirst", "byline", "dateline"}, (doc.doc_id, kept)
        assert len(doc.body.split()) >= 0.7 * len(words), doc.doc_id
        assert doc.comments == []


# ---------------------------------------------------------------------------
# The evaluation on a small real case (the seeds, always present)
# ---------------------------------------------------------------------------
SEED = "004_5ef0e76b6908624d"
SENTENCE = "Nearly 4,500 U.S. troops were killed, hundreds of thousands of Iraqis died and American taxpayers spent up to $2 trillion on the war."


@pytest.fixture(scope="module")
def seeds():
    return load_corpus(ROOT / "seeds")


@pytest.fixture(scope="module")
def one_figure_gold(seeds, tmp_path_factory):
    path = tmp_path_factory.mktemp("gold") / "gold.yml"
    path.write_text(
        "figures:\n"
        f"  - {{doc: {SEED}, text: '4,500', kind: deaths, low: null, high: 4500, qualifier: Nearly, unit: people, who: U.S. troops, group: us_military}}\n"
        "traps:\n"
        f"  - {{doc: {SEED}, text: '$20,000', reason: money not war cost, note: a bonus}}\n",
        encoding="utf-8",
    )
    return load_gold(path, seeds)


def _row(seeds, sentence_text: str, number: str, **fields) -> dict:
    body = seeds[SEED].body
    s0 = body.index(sentence_text)
    a = body.index(number, s0)
    row = {c: "" for c in FIGURE_COLUMNS}
    row.update(doc_id=SEED, part="body", comment_id="", kind="deaths", low=math.nan, high=4500.0, qualifier="Nearly", unit="people",
               who="U.S. troops", group="us_military", sentence=sentence_text, start=s0, end=s0 + len(sentence_text), num_start=a,
               num_end=a + len(number), value_text=number)
    row.update(fields)
    return row


def test_a_figure_in_another_sentence_does_not_match(seeds, one_figure_gold):
    """The same value, read in the next sentence, is a false figure and the gold figure is missed."""
    body = seeds[SEED].body
    after = body.index(SENTENCE) + len(SENTENCE) + 1
    other = body[after : body.index('victor."', after) + len('victor."')]  # "The study, which totals hundreds of pages ..."
    found = pd.DataFrame([_row(seeds, other, "hundreds")])
    result = evaluate(found, one_figure_gold)
    assert (result.metrics["recall"], result.metrics["precision"], result.metrics["false figures"]) == (0.0, 0.0, 1)
    assert sorted(result.mismatches["problem"]) == ["missed", "spurious"]
    missed = result.mismatches[result.mismatches["problem"] == "missed"].iloc[0]
    assert missed["sentence"] == SENTENCE and missed["expected"] == "deaths ≤ 4,500"


def test_a_figure_of_the_same_value_in_the_same_sentence_matches(seeds, one_figure_gold):
    """A reader that spans the number differently ("Nearly 4,500 U.S.") still matches; by value when the spans do not overlap."""
    wide = pd.DataFrame([_row(seeds, SENTENCE, "Nearly 4,500 U.S.")])
    assert evaluate(wide, one_figure_gold).matches["matched_by"].tolist() == ["overlap"]
    elsewhere = pd.DataFrame([_row(seeds, SENTENCE, "troops")])
    result = evaluate(elsewhere, one_figure_gold)
    assert result.matches["matched_by"].tolist() == ["value"] and result.metrics["recall"] == 1.0
    other_value = pd.DataFrame([_row(seeds, SENTENCE, "troops", high=4400.0)])
    assert evaluate(other_value, one_figure_gold).metrics["recall"] == 0.0


def test_a_wrong_bound_counts_as_wrong(seeds, one_figure_gold):
    """"Nearly 4,500" read as exactly 4,500: matched, kind right, bounds and hedge wrong, each wrong field listed."""
    found = pd.DataFrame([_row(seeds, SENTENCE, "4,500", low=4500.0, qualifier="")])
    result = evaluate(found, one_figure_gold)
    m = result.metrics
    assert (m["precision"], m["recall"], m["kind right"], m["bounds and hedge right"], m["wrong bounds"]) == (1.0, 1.0, 1.0, 0.0, 1)
    wrong = result.mismatches
    assert wrong[["problem", "field", "expected", "found"]].values.tolist() == [
        ["wrong field", "low", "(open)", "4,500"], ["wrong field", "qualifier", "Nearly", ""]]
    assert (wrong["sentence"] == SENTENCE).all()
    deaths = result.per_kind.set_index("kind").loc["deaths"]
    assert (deaths["precision"], deaths["recall"], deaths["bounds and hedge right"]) == (1.0, 1.0, 0.0)


def test_two_readings_of_one_gold_figure_are_one_match_and_one_false_figure(seeds, one_figure_gold):
    found = pd.DataFrame([_row(seeds, SENTENCE, "4,500"), _row(seeds, SENTENCE, "Nearly 4,500")])
    result = evaluate(found, one_figure_gold)
    assert (result.metrics["matched"], result.metrics["false figures"], result.metrics["precision"]) == (1, 1, 0.5)


def test_a_trap_taken_counts_per_reason(seeds, one_figure_gold):
    body = seeds[SEED].body
    s0 = body.rfind(". ", 0, body.index("$20,000")) + 2
    s1 = body.index(".", body.index("$20,000")) + 1
    found = pd.DataFrame([_row(seeds, SENTENCE, "4,500", low=math.nan),
                          _row(seeds, body[s0:s1], "$20,000", kind="cost", low=20000.0, high=20000.0, qualifier="")])
    result = evaluate(found, one_figure_gold)
    assert result.metrics["trap hits"] == 1
    assert result.trap_reasons.values.tolist() == [["money not war cost", 1, 1]]
    assert result.mismatches["problem"].tolist() == ["trap taken as a figure"]


def test_a_kind_mistake_counts_against_both_kinds(seeds, one_figure_gold):
    found = pd.DataFrame([_row(seeds, SENTENCE, "4,500", kind="wounded")])
    result = evaluate(found, one_figure_gold)
    per_kind = result.per_kind.set_index("kind")
    assert (result.metrics["recall"], result.metrics["kind right"]) == (1.0, 0.0)
    assert (per_kind.loc["deaths", "recall"], per_kind.loc["wounded", "precision"]) == (0.0, 0.0)


def test_evaluate_set_scores_the_table_the_build_writes(seeds):
    """evaluate_set reads the folder and builds the figures table with the build's options (the registry's)."""
    from presslens.build.registry import BY_NAME

    built = BY_NAME["figures"].compute(seeds, **BY_NAME["figures"].options)
    pd.testing.assert_frame_equal(built, figures_table(seeds, include_comments=True))
    result = evaluate_set(ROOT / "seeds", [SEEDS_GOLD])
    pd.testing.assert_frame_equal(result.metrics_table(), evaluate(built, load_gold(SEEDS_GOLD, seeds)).metrics_table())
    assert result.metrics["precision"] == result.metrics["recall"] == result.metrics["bounds and hedge right"] == 1.0
    assert result.per_kind["gold"].sum() == 18 and result.trap_reasons["traps"].sum() == result.metrics["gold traps"]
    assert result.trap_reasons["hits"].sum() == 0


def test_evaluate_sets_keeps_two_folders_apart(seeds, tmp_path):
    """Two folders with the same document ids: prefixed by folder, their figures never match the other's gold."""
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(ROOT / "seeds", copy)
    result = evaluate_sets([(ROOT / "seeds", [SEEDS_GOLD]), (copy, [SEEDS_GOLD])])
    m = result.metrics
    assert (m["gold figures"], m["matched"], m["precision"], m["recall"]) == (36, 36, 1.0, 1.0)
    assert {d.split("/")[0] for d in result.gold.doc_ids} == {"seeds", "copy"}


def test_the_coverage_check_finds_a_number_left_out(seeds, one_figure_gold):
    """uncovered_numbers names every digit and number word of an annotated document no entry covers."""
    uncovered = fg.uncovered_numbers(one_figure_gold, seeds)
    assert set(uncovered["doc_id"]) == {SEED}
    assert {"hundreds", "thousands", "2", "3"} <= set(uncovered["number"]) and "20" not in set(uncovered["number"])  # $20,000 is a trap
    assert "4" not in set(uncovered.loc[uncovered["offset"] == seeds[SEED].body.index("4,500"), "number"])
