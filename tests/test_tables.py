"""The data contract of outputs/data (DESIGN.md) for the tables this stage writes."""

from __future__ import annotations

import pandas as pd
import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from presslens import tables
from presslens.pipeline import build

CONTRACT = {
    "entity_mentions": "doc_id, part, comment_id, entity, type, surface, start, end",
    "entity_counts": "entity, type, doc_id, part, count, per_1k_words",
    "figures": "doc_id, part, comment_id, kind, low, high, qualifier, unit, who, sentence, start, end",
    "documents": "doc_id, file, outlet, title, author, published, genre, language, words, n_comments, sha256, body",
    "comments": "doc_id, comment_id, author, posted, reply_to, depth, text, compound, pos, neu, neg, label",
    "sentences": "doc_id, part, comment_id, sent_id, start, end, text, compound",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory, seeds_dir):
    out = tmp_path_factory.mktemp("data")
    return build(seeds_dir, out), out


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_csv_has_the_contract_columns_in_order(built, name):
    _, out = built
    frame = pd.read_csv(out / f"{name}.csv", keep_default_na=False)
    expected = [c.strip() for c in CONTRACT[name].split(",")]
    assert list(frame.columns[: len(expected)]) == expected


def test_comments_csv_rebuilds_who_replied_to_whom(built):
    _, out = built
    frame = pd.read_csv(out / "comments.csv", keep_default_na=False, dtype=str)
    seed = frame[frame["doc_id"] == "000_f852db828fd11835"].set_index("comment_id")
    assert len(seed) == 14
    authors = seed["author"].to_dict()
    pairs = sorted((authors[c], authors[p]) for c, p in seed["reply_to"].items() if p)
    assert pairs == [("Anonymous", "Pequiste"), ("e.d ott", "gilberts"), ("gilberts", "e.d ott"), ("gilberts", "starfcker")]
    assert seed.loc["c012", "depth"] == "2" and seed.loc["c012", "reply_to"] == "c011"
    assert seed.loc["c001", "posted"] == "2019-11-30T15:05:00"


def test_comment_scores_are_vaders_on_the_comment_text(built):
    result, _ = built
    reference = SentimentIntensityAnalyzer()
    for row in result.tables["comments"].itertuples():
        expected = reference.polarity_scores(row.text)
        assert (row.compound, row.pos, row.neu, row.neg) == (expected["compound"], expected["pos"], expected["neu"], expected["neg"])
        assert row.label == ("positive" if row.compound >= 0.05 else "negative" if row.compound <= -0.05 else "neutral")


def test_documents_csv_body_matches_the_corpus_and_counts(built, corpus):
    result, out = built
    frame = pd.read_csv(out / "documents.csv", keep_default_na=False, dtype={"published": str})
    assert list(frame["doc_id"]) == [d.doc_id for d in corpus]
    for row, doc in zip(frame.itertuples(), corpus):
        assert row.body == doc.body
        assert row.n_comments == len(doc.comments)
        assert row.words == doc.words > 400
    assert frame.set_index("doc_id").loc["003_2637237e9277fabb", "published"] == "2012-08-05"
    assert {k: result.counts[k] for k in ("documents", "comments", "sentences")} == {"documents": 5, "comments": 14, "sentences": len(result.tables["sentences"])}
    assert result.counts["figures"] == len(result.tables["figures"]) > 0
    assert result.counts["entity_mentions"] == len(result.tables["entity_mentions"]) > 0


def test_tables_are_deterministic(corpus, tmp_path, seeds_dir):
    first = build(seeds_dir, tmp_path / "a")
    second = build(seeds_dir, tmp_path / "b")
    for name in first.paths:
        assert first.paths[name].read_bytes() == second.paths[name].read_bytes(), name


def test_segments_table_lists_every_removal_with_its_rule(corpus):
    frame = tables.segments_table(corpus)
    removed = frame[frame["kind"] == "boilerplate"]
    rules = set(removed["rule"])
    assert {"donation-appeal", "shop-promo", "comment-widget", "forum-rating", "forum-related-threads", "forum-signature", "related-links", "repeated-title", "summary-header"} <= rules
    assert (removed.loc[removed["rule"] != "separator", "words"] > 0).all()
    assert removed["text"].str.len().gt(0).all()


def test_metadata_table_has_every_field_with_a_basis(corpus):
    frame = tables.metadata_table(corpus)
    assert len(frame) == 5 * 8
    assert set(frame["basis"]) == {"stated", "inferred", "unknown"}
    assert (frame.loc[frame["basis"] == "unknown", "value"] == "").all()


def test_words_per_part_adds_up(corpus):
    frame = tables.words_per_part(corpus)
    body = frame[frame["part"] == "body"].set_index("doc_id")["words"]
    assert body.to_dict() == {d.doc_id: d.words for d in corpus}
    assert frame[(frame["doc_id"] == "003_2637237e9277fabb") & (frame["part"] == "boilerplate")]["words"].item() > 100
