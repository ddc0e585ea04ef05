"""presslens.sentiment: VADER scores on the seed comments, threads, roll-ups, bootstrap intervals, entity sentiment, caveats."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pandas as pd
import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from presslens import sentiment as S
from presslens import tables
from presslens.errors import PresslensError

SEED = "000_f852db828fd11835"


@pytest.fixture(scope="module")
def comments(corpus):
    return tables.comments_table(corpus)


@pytest.fixture(scope="module")
def sentences(corpus):
    return tables.sentences_table(corpus)


@pytest.fixture(scope="module")
def documents(corpus):
    return tables.documents_table(corpus)


@pytest.fixture(scope="module")
def threads(comments):
    return S.thread_table(comments)


# ---------------------------------------------------------------------------
# Scores: the comments table holds vaderSentiment's polarity_scores of each comment
# ---------------------------------------------------------------------------
# Computed with vaderSentiment 3.3.2 polarity_scores on the comment texts of seed 000.
PINNED_COMMENTS = [
    # comment_id, author, compound, pos, neu, neg, label
    ("c004", "Pequiste", -0.8689, 0.036, 0.858, 0.107, "negative"),  # sarcastic; "//SARC OFF//"
    ("c001", "starfcker", -0.9388, 0.0, 0.651, 0.349, "negative"),  # quotes the op-ed's "could exceed 3 million"
    ("c013", "Fleabaggs", 0.872, 0.214, 0.786, 0.0, "positive"),  # a sneering “KINDLY” reads as kind
    ("c005", "Anonymous", -0.4939, 0.0, 0.802, 0.198, "negative"),  # 14 words; "zero enemies" reads as enemies
    ("c006", "CCRider", -0.4695, 0.05, 0.888, 0.062, "negative"),
    ("c012", "gilberts", 0.6486, 0.172, 0.785, 0.042, "positive"),
    ("c007", "TN Patriot", 0.4606, 0.073, 0.927, 0.0, "positive"),  # "another Shite hellhole": neither word in the lexicon
]


@pytest.mark.parametrize("comment_id, author, compound, pos, neu, neg, label", PINNED_COMMENTS)
def test_comment_scores_are_pinned_vader_numbers(comments, comment_id, author, compound, pos, neu, neg, label):
    row = comments[(comments["doc_id"] == SEED) & (comments["comment_id"] == comment_id)].iloc[0]
    assert row["author"] == author
    assert (row["compound"], row["pos"], row["neu"], row["neg"], row["label"]) == (compound, pos, neu, neg, label)


def test_every_comment_scores_like_a_fresh_vader_analyzer(comments):
    reference = SentimentIntensityAnalyzer()
    assert len(comments) == 14
    for row in comments.itertuples():
        expected = reference.polarity_scores(row.text)
        assert {k: getattr(row, k) for k in S.SCORE_KEYS} == {k: expected[k] for k in S.SCORE_KEYS}
        assert S.scores(row.text) == expected


PINNED_SENTENCES = [
    # (comment_id, sent_id, text, compound): sentence-level scores from sentences_table
    ("c004", 2, "Why niggle over a trillion or two or six.", 0.0),
    ("c004", 5, "Trying to change U.S. foreign policy looks to be near impossible due to the overwhelming power of The Evil Fuckers in Washington D.C.", -0.8519),
    ("c005", 1, "Prior to 1949, the USA had zero enemies in the Middle East.", -0.4939),
    ("c001", 1, "“the total dead from collateral causes, to include disease and starvation, could exceed 3 million, overwhelmingly Muslims.”", -0.7264),
    ("c013", 1, "A remarkable 700 pages _ _ _ has surfaced and was printed in the Intercept_ _ and also the New York Times, which “KINDLY” agreed to help validate and process the info.", 0.872),
]


@pytest.mark.parametrize("comment_id, sent_id, text, compound", PINNED_SENTENCES)
def test_comment_sentences_carry_their_vader_compound(sentences, comment_id, sent_id, text, compound):
    row = sentences[(sentences["doc_id"] == SEED) & (sentences["comment_id"] == comment_id) & (sentences["sent_id"] == sent_id)].iloc[0]
    assert row["text"] == text
    assert row["compound"] == compound == SentimentIntensityAnalyzer().polarity_scores(text)["compound"]


def test_the_op_eds_first_sentence_reads_positive(sentences):
    first = sentences[(sentences["doc_id"] == SEED) & (sentences["part"] == "body") & (sentences["sent_id"] == 1)].iloc[0]
    assert "greatest foreign policy disaster" in first["text"]
    assert first["compound"] == 0.4404  # "greatest" outweighs "disaster"


def test_score_mismatches_is_empty_on_the_table_and_catches_a_changed_score(comments):
    assert S.score_mismatches(comments).empty
    stale = comments.copy()
    stale.loc[stale["comment_id"] == "c004", "compound"] = -0.87
    found = S.score_mismatches(stale)
    assert found[["comment_id", "score", "stored", "vader"]].values.tolist() == [["c004", "compound", -0.87, -0.8689]]


@pytest.mark.parametrize(
    "compound, expected",
    [(0.05, "positive"), (0.0499, "neutral"), (0.0, "neutral"), (-0.0499, "neutral"), (-0.05, "negative"), (0.872, "positive"), (-0.8689, "negative")],
)
def test_label_uses_the_standard_thresholds(compound, expected):
    assert S.label(compound) == expected


def test_lexicon_words_show_what_the_score_rests_on(comments):
    fleabaggs = comments.set_index("comment_id").loc["c013", "text"]
    assert ("kindly", 2.2) in S.lexicon_words(fleabaggs)
    ccrider = comments.set_index("comment_id").loc["c006", "text"]
    assert "asswipe" not in dict(S.lexicon_words(ccrider))  # profanity VADER does not know


# ---------------------------------------------------------------------------
# Threads
# ---------------------------------------------------------------------------
def test_threads_follow_reply_to(threads):
    seed = threads[threads["doc_id"] == SEED].set_index("comment_id")
    assert len(seed) == 14 and seed.index.is_unique
    members = seed.groupby("thread_id").groups
    assert sorted(members["c010"]) == ["c010", "c011", "c012"]
    assert sorted(members["c001"]) == ["c001", "c002"]
    assert sorted(members["c004"]) == ["c004", "c005"]
    assert len(members) == 10  # 14 comments, 4 of them replies
    assert seed.loc["c012", ["depth", "reply_to", "thread_size"]].tolist() == [2, "c011", 3]
    assert seed.loc["c010", "n_replies"] == 1 and seed.loc["c012", "n_replies"] == 0
    # reading order: each reply right under the comment it answers
    assert list(threads.loc[threads["doc_id"] == SEED, "comment_id"][:5]) == ["c001", "c002", "c003", "c004", "c005"]
    assert list(seed.loc[["c010", "c011", "c012"], "order"]) == [9, 10, 11]


def test_thread_depth_agrees_with_the_parsed_depth(threads, comments):
    parsed = comments.set_index(["doc_id", "comment_id"])["depth"]
    assert (threads.set_index(["doc_id", "comment_id"])["depth"] == parsed.loc[threads.set_index(["doc_id", "comment_id"]).index]).all()


def test_drift_is_the_reply_minus_its_parent(threads):
    seed = threads[threads["doc_id"] == SEED].set_index("comment_id")
    assert seed.loc["c011", "drift"] == round(0.8316 - (-0.9844), 4) == 1.816
    assert seed.loc["c005", "drift"] == round(-0.4939 - (-0.8689), 4)
    assert seed.loc[seed["depth"] == 0, "drift"].isna().all()


def test_threads_survive_a_csv_round_trip(comments, threads, tmp_path):
    path = tmp_path / "comments.csv"
    comments.to_csv(path, index=False)
    again = S.thread_table(pd.read_csv(path))  # reply_to comes back as NaN for top-level comments
    assert again[["comment_id", "thread_id", "depth", "order"]].equals(threads[["comment_id", "thread_id", "depth", "order"]])


def test_a_reply_to_a_missing_comment_names_the_document_and_line(comments):
    broken = comments.copy()
    broken.loc[broken["comment_id"] == "c005", "reply_to"] = "c099"
    with pytest.raises(S.SentimentError, match=r"000_f852db828fd11835 line \d+: comment c005 replies to 'c099'"):
        S.thread_table(broken)


def test_a_reply_loop_is_refused(comments):
    looped = comments.copy()
    looped.loc[looped["comment_id"] == "c010", "reply_to"] = "c012"
    with pytest.raises(S.SentimentError, match="loop"):
        S.thread_table(looped)


def test_missing_columns_are_named(comments):
    with pytest.raises(PresslensError, match="lacks column.*reply_to"):
        S.thread_table(comments.drop(columns="reply_to"))


def test_thread_view_puts_each_author_under_its_depth(threads):
    view = S.thread_view(threads, doc_id=SEED)
    assert list(view.columns[:4]) == ["thread", "comment by", "reply by", "reply (depth 2) by"]
    assert view.loc["c012", "reply (depth 2) by"] == "gilberts" and view.loc["c012", "comment by"] == ""
    assert view.loc["c011", "reply by"] == "e.d ott"
    assert view.loc["c010", "thread"] == view.loc["c012", "thread"] == 8
    with pytest.raises(S.SentimentError, match="no comments for document '001_9e368b0eaaa11057'"):
        S.thread_view(threads, doc_id="001_9e368b0eaaa11057")


def test_thread_rollup_names_who_started_each_thread(threads):
    table = S.thread_rollup(threads).set_index("thread_id")
    assert list(table.index) == ["c001", "c003", "c004", "c006", "c007", "c008", "c009", "c010", "c013", "c014"]
    assert table.loc["c010", ["started_by", "replies", "n", "root_compound", "mean"]].tolist() == ["gilberts", 2, 3, -0.9844, 0.1653]
    assert table["n"].sum() == 14


def test_busiest_document(threads):
    assert S.busiest_document(threads) == SEED
    assert S.busiest_document(threads.iloc[0:0]) is None


def test_document_text_reaches_charts_and_tables_escaped(threads):
    evil = threads.copy()
    evil.loc[evil["comment_id"] == "c003", "text"] = "<script>alert(1)</script> nice"
    evil.loc[evil["comment_id"] == "c003", "author"] = "<img src=x onerror=alert(2)>"
    fig = S.thread_chart(evil, doc_id=SEED, source="test")
    payload = json.dumps(fig.to_plotly_json(), default=str)
    assert "<script>" not in payload and "<img" not in payload
    assert "&lt;script&gt;" in payload
    assert "<script>" not in S.thread_view(evil, doc_id=SEED).to_html()


def test_thread_chart_colours_by_compound_centred_on_zero(threads):
    fig = S.thread_chart(threads, source="test")  # default: the document with most comments
    points = [t for t in fig.data if t.name == "comment"][0]
    assert len(points.x) == 14 and points.marker.cmid == 0 and points.marker.cmin == -1
    assert list(points.marker.color) == list(threads.loc[threads["doc_id"] == SEED, "compound"])
    edges = [t for t in fig.data if t.name == "reply to"][0]
    assert sum(v is None for v in edges.x) == 4  # one edge per reply


# ---------------------------------------------------------------------------
# Roll-ups and bootstrap
# ---------------------------------------------------------------------------
def test_rollup_by_author_counts_and_means(threads):
    authors = S.rollup(threads, ["doc_id", "author"]).set_index("author")
    assert authors.loc["gilberts", "n"] == 3
    assert authors.loc["gilberts", "mean"] == round((-0.9873 - 0.9844 + 0.6486) / 3, 4) == -0.441
    assert authors.loc["gilberts", ["negative", "neutral", "positive"]].tolist() == [2, 0, 1]
    assert authors.loc["Anonymous", "n"] == 2 and authors.loc["Anonymous", "mean"] == round((-0.4939 - 0.5859) / 2, 4)
    assert authors["n"].sum() == 14


def test_a_group_of_one_has_no_interval_and_says_so(threads):
    authors = S.rollup(threads, ["doc_id", "author"]).set_index("author")
    one = authors.loc["Pequiste"]
    assert one["n"] == 1 and one["mean"] == -0.8689
    assert math.isnan(one["ci_low"]) and math.isnan(one["ci_high"])
    assert one["note"] == "one item: no interval"
    assert "small group" in authors.loc["gilberts", "note"]


def test_rollup_by_thread_uses_reply_to_membership(threads):
    per_thread = S.rollup(threads, ["doc_id", "thread_id"]).set_index("thread_id")
    assert per_thread.loc["c010", "n"] == 3
    assert per_thread.loc["c010", "mean"] == round((-0.9844 + 0.8316 + 0.6486) / 3, 4) == 0.1653
    assert per_thread.loc["c003", "n"] == 1


@pytest.mark.parametrize("by", [["doc_id", "author"], ["doc_id", "thread_id"], ["doc_id", "depth"]])
def test_every_interval_contains_its_mean(threads, by):
    table = S.rollup(threads, by, n_resamples=500)
    with_ci = table[table["n"] > 1]
    assert len(with_ci)
    assert ((with_ci["ci_low"] <= with_ci["mean"]) & (with_ci["mean"] <= with_ci["ci_high"])).all()


def test_sentence_level_intervals_contain_the_mean(sentences):
    table = S.rollup(sentences, ["doc_id", "part"], n_resamples=1000)
    assert ((table["ci_low"] <= table["mean"]) & (table["mean"] <= table["ci_high"])).all()
    assert (table["ci_high"] - table["ci_low"] > 0).all()


def test_bootstrap_is_the_percentile_bootstrap_with_default_rng(comments):
    values = comments["compound"].to_numpy()
    rng = np.random.default_rng(7)
    means = values[rng.integers(0, len(values), size=(300, len(values)))].mean(axis=1)
    expected = tuple(np.quantile(means, [0.05, 0.95]))
    assert S.bootstrap_ci(values, n_resamples=300, confidence=0.9, seed=7) == pytest.approx(expected, abs=1e-12)


def test_bootstrap_is_reproducible_with_the_seed(comments):
    values = comments["compound"]
    first = S.bootstrap_ci(values, seed=11)
    assert S.bootstrap_ci(values, seed=11) == first
    assert S.bootstrap_ci(values, seed=12) != first
    low, high = first
    assert low < values.mean() < high
    wider = S.bootstrap_ci(values, seed=11, confidence=0.99)
    assert wider[0] <= low and wider[1] >= high


def test_rollup_intervals_do_not_depend_on_other_groups(threads):
    alone = S.rollup(threads[threads["author"] == "gilberts"], "author")
    together = S.rollup(threads, "author").set_index("author").loc["gilberts"]
    assert alone.iloc[0][["ci_low", "ci_high"]].tolist() == together[["ci_low", "ci_high"]].tolist()


@pytest.mark.parametrize("kwargs", [{"n_resamples": 0}, {"confidence": 1.5}, {"n_resamples": 2.5}])
def test_bad_bootstrap_options_are_refused(comments, kwargs):
    with pytest.raises(S.SentimentError):
        S.rollup(comments, "doc_id", **kwargs)


def test_body_vs_comments_covers_every_document(sentences, comments, documents):
    table = S.body_vs_comments(sentences, comments, documents=documents).set_index("doc_id")
    assert list(table.index) == list(documents["doc_id"])
    assert table["n_comments"].to_dict() == documents.set_index("doc_id")["n_comments"].to_dict()
    without = table[table["n_comments"] == 0]
    assert len(without) == 4 and without["comment_mean"].isna().all() and (without["comment_sentences"] == 0).all()
    body = sentences[(sentences["doc_id"] == SEED) & (sentences["part"] == "body")]
    assert table.loc[SEED, "body_sentences"] == len(body)
    assert table.loc[SEED, "body_mean"] == round(body["compound"].mean(), 4)
    said = sentences[(sentences["doc_id"] == SEED) & (sentences["part"] == "comment")]
    said = said[said["text"].map(tables.count_words) > 0]  # ". . ." leaves one-character sentences
    assert table.loc[SEED, "comment_sentences"] == len(said)
    assert table.loc[SEED, "comment_mean"] == round(said["compound"].mean(), 4)
    assert table.loc[SEED, "comments_mean"] == round(comments["compound"].mean(), 4)


def test_reply_drift_levels(threads, sentences):
    drift = S.reply_drift(threads, sentences).set_index("level")
    assert list(drift.index) == ["body", "depth 0", "depth 1", "depth 2", "reply minus parent"]
    c012 = sentences[(sentences["doc_id"] == SEED) & (sentences["comment_id"] == "c012")]
    assert drift.loc["depth 2", "n"] == len(c012) and drift.loc["depth 2", "mean"] == round(c012["compound"].mean(), 4)
    assert drift.loc["reply minus parent", "n"] == 4
    assert drift.loc["depth 0", "vs_body"] == round(drift.loc["depth 0", "mean"] - drift.loc["body", "mean"], 4)


def test_time_rollup_bins_by_hour(comments):
    bins = S.time_rollup(comments, freq="1h")
    assert bins["n"].sum() == 14
    first = bins.iloc[0]
    assert (first["bin_start"], first["bin_end"], first["n"]) == ("2019-11-30T15:00", "2019-11-30T16:00", 5)
    at_three = comments[comments["posted"].str.startswith("2019-11-30T15")]
    assert first["mean"] == round(at_three["compound"].mean(), 4)
    with pytest.raises(S.SentimentError, match="freq"):
        S.time_rollup(comments, freq="fortnightly")


def test_time_rollup_puts_pages_with_different_utc_offsets_on_their_own_clocks(comments):
    """Real pages state times with "+01:00", "Z" or no zone; one corpus mixes them (pandas alone refuses)."""
    mixed = comments.copy()
    zones = ["+01:00", "Z", "", "-05:00"]
    mixed["posted"] = [p + zones[i % 4] if p else p for i, p in enumerate(mixed["posted"])]
    assert S.time_rollup(mixed, freq="1h").equals(S.time_rollup(comments, freq="1h"))


# ---------------------------------------------------------------------------
# Entity-targeted sentiment
# ---------------------------------------------------------------------------
def test_term_mentions_slice_their_surface(corpus):
    mentions = S.term_mentions(corpus, list(S.DEFAULT_TERMS))
    assert list(mentions.columns) == S.MENTION_COLUMNS
    texts = {(d.doc_id, "body", ""): d.body for d in corpus} | {(d.doc_id, "comment", c.comment_id): c.text for d in corpus for c in d.comments}
    for row in mentions.itertuples():
        assert texts[(row.doc_id, row.part, row.comment_id)][row.start : row.end] == row.surface
    assert set(mentions.loc[mentions["entity"] == "United States", "surface"]) >= {"U.S.", "United States", "USA"}
    assert not mentions["surface"].isin(["Iranian", "us"]).any()


@pytest.mark.parametrize(
    "text, term, surfaces",
    [
        ("Trying to change U.S. foreign policy looks to be near impossible", "United States|U.S.|US", ["U.S."]),
        ("Iran provided these platter charges to shiite militias", "Iran", ["Iran"]),
        ("Iranian Shiiites were helping Iraqi Shiites.", "Iran", []),
        ("the USSR and the US and us", "United States|U.S.|US", ["US"]),
    ],
)
def test_terms_match_literally_on_word_boundaries(text, term, surfaces):
    from types import SimpleNamespace

    doc = SimpleNamespace(doc_id="d", body=text, comments=[])
    assert S.term_mentions([doc], [term])["surface"].tolist() == surfaces


@pytest.mark.parametrize("terms, message", [(["Iran", "Iran|Persia"], "same entity"), (["("], None), ([""], "empty"), ("Iran", "list")])
def test_bad_terms_are_refused(corpus, terms, message):
    with pytest.raises(S.SentimentError, match=message):
        S.term_mentions(corpus, terms, regex=terms == ["("])


def test_entity_sentiment_is_the_mean_of_the_sentences_naming_it(corpus, sentences):
    mentions = S.term_mentions(corpus, ["Soleimani|Suleimani", "Iran"])
    table = S.entity_sentiment(sentences, mentions).set_index(["entity", "part"])
    for entity, pattern in (("Soleimani", r"(?<!\w)(?:Soleimani|Suleimani)(?!\w)"), ("Iran", r"(?<!\w)Iran(?!\w)")):
        for part in ("body", "comment"):
            naming = sentences[(sentences["part"] == part) & sentences["text"].str.contains(pattern, regex=True)]
            if naming.empty:
                assert (entity, part) not in table.index
                continue
            row = table.loc[(entity, part)]
            assert row["n_sentences"] == len(naming)
            assert row["mean"] == round(naming["compound"].mean(), 4)
            assert row["n_mentions"] == sum(len(re.findall(pattern, t)) for t in naming["text"])
            if row["n_sentences"] > 1:
                assert row["ci_low"] <= row["mean"] <= row["ci_high"]
    assert table.loc[("Iran", "comment"), "n_documents"] == 1


def test_a_mention_belongs_to_the_sentence_containing_it(sentences):
    seed = sentences[(sentences["doc_id"] == SEED) & (sentences["part"] == "comment") & (sentences["comment_id"] == "c004")]
    fifth = seed[seed["sent_id"] == 5].iloc[0]  # "... The Evil Fuckers in Washington D.C."
    sixth = seed[seed["sent_id"] == 6].iloc[0]
    start = fifth["start"] + fifth["text"].index("Washington")
    rows = [
        {"entity": "Washington", "start": start, "end": start + 10},  # inside sentence 5
        {"entity": "Washington", "start": start, "end": start + 10},  # same sentence again: one sentence, two mentions
        {"entity": "Straddle", "start": fifth["end"] - 4, "end": sixth["start"] + 3},  # across two sentences: left out
        {"entity": "Queens", "start": sixth["start"] + sixth["text"].index("Queens"), "end": sixth["start"] + sixth["text"].index("Queens") + 6},
    ]
    mentions = pd.DataFrame([{"doc_id": SEED, "part": "comment", "comment_id": "c004", "type": "place", "surface": "", **r} for r in rows])
    table = S.entity_sentiment(sentences, mentions).set_index("entity")
    assert sorted(table.index) == ["Queens", "Washington"]
    assert table.loc["Washington", ["n_mentions", "n_sentences", "mean"]].tolist() == [2, 1, -0.8519]
    assert table.loc["Queens", "mean"] == 0.0
    # body mentions carry an empty comment_id; from a CSV it is NaN, which must still join
    body = sentences[(sentences["doc_id"] == SEED) & (sentences["part"] == "body")].iloc[0]
    csv_like = pd.DataFrame([{"doc_id": SEED, "part": "body", "comment_id": np.nan, "entity": "Iraq", "type": "place", "surface": "Iraq",
                              "start": body["start"] + body["text"].index("Iraq"), "end": body["start"] + body["text"].index("Iraq") + 4}])
    assert S.entity_sentiment(sentences, csv_like).iloc[0]["mean"] == body["compound"]


# ---------------------------------------------------------------------------
# Entity-targeted tone is scored with the entity's own name masked (VADER rates "Intelligence", "Security" positive)
# ---------------------------------------------------------------------------
MOIS = "Ministry of Intelligence and Security"


@pytest.fixture(scope="module")
def codebook_mentions(corpus):
    from presslens.entities import entity_mentions_table

    return entity_mentions_table(corpus)


@pytest.fixture(scope="module")
def codebook_tone(sentences, codebook_mentions):
    return S.entity_sentiment(sentences, codebook_mentions).set_index(["entity", "part"])


@pytest.mark.parametrize(
    "text, spans, surfaces, masked",
    [
        ("The Ministry of Intelligence and Security (MOIS) helped.", [(4, 41)], ["MOIS"],
         "The Entity entity Entity entity Entity (ENTITY) helped."),
        ("the intelligence ministry, not the U.S. one", [], ["intelligence ministry", "U.S."], "the entity entity, not the ENTITY.ENTITY. one"),
        ("Security matters; securityguard is one word.", [], ["Security"], "Entity matters; securityguard is one word."),
        ("Nothing to mask here.", [], [], "Nothing to mask here."),
    ],
)
def test_mask_names_replaces_each_name_word_in_place(text, spans, surfaces, masked):
    out = S.mask_names(text, spans, surfaces=surfaces)
    assert out == masked
    assert len(out.split()) == len(text.split())  # VADER's negation and booster windows count words
    assert S.analyzer().lexicon.get(S.MASK_WORD) is None


def test_per_document_masking_made_whole_equals_masking_on_the_whole_corpus(corpus, sentences, codebook_mentions, caplog):
    """The build's per-document rows (surfaces of each document only) and corpus_masking give entity_sentences exactly;
    on the seeds some sentences carry a surface found only in another document, so some rows are scored again."""
    whole = S.entity_sentences(sentences, codebook_mentions)
    per_document = pd.concat(
        [S.entity_sentences(sentences[sentences["doc_id"] == d], codebook_mentions[codebook_mentions["doc_id"] == d], own_document=True)
         for d in sorted(set(codebook_mentions["doc_id"]))],
        ignore_index=True,
    )
    chunk = S.entity_sentences(sentences, codebook_mentions, own_document=True)  # one call on several documents: the same rows
    pd.testing.assert_frame_equal(chunk.sort_values(list(whole.columns[:6])).reset_index(drop=True),
                                  per_document.sort_values(list(whole.columns[:6])).reset_index(drop=True))
    with caplog.at_level("INFO", logger="presslens.sentiment.targets"):
        made_whole = S.corpus_masking(per_document.sample(frac=1, random_state=3), sentences, codebook_mentions)
    assert "scored again with surfaces found in other documents" in caplog.text
    pd.testing.assert_frame_equal(made_whole, whole)
    assert S.corpus_masking(whole.iloc[0:0], sentences, codebook_mentions).empty
    table = S.entity_sentiment_table(corpus, sentences=sentences, mentions=codebook_mentions, per_document=per_document)
    pd.testing.assert_frame_equal(table, S.entity_sentiment(sentences, codebook_mentions))


def test_remembered_masking_takes_the_last_runs_rows_only_where_nothing_changed(sentences, codebook_mentions, caplog):
    """A run that kept its masking (remembered_masking) gives the next run the same rows as masking afresh: after a
    document is added (new surfaces of some entities), after a document is changed, and with nothing changed, where
    no row is tested again. Pairs whose document key or entity surfaces changed are worked out again."""
    docs = sorted(set(codebook_mentions["doc_id"]))

    def pieces(ids):
        return pd.concat([S.entity_sentences(sentences[sentences["doc_id"] == d], codebook_mentions[codebook_mentions["doc_id"] == d],
                                             own_document=True) for d in ids], ignore_index=True)

    def part(ids):
        return sentences[sentences["doc_id"].isin(ids)], codebook_mentions[codebook_mentions["doc_id"].isin(ids)]

    keys = {d: f"key of {d}" for d in docs}
    # run 1: every document but the last; its kept masking must hold rows scored again
    first = docs[:-1]
    with S.remembered_masking(None, {d: keys[d] for d in first}) as kept:
        one = S.corpus_masking(pieces(first), *part(first))
    pd.testing.assert_frame_equal(one, S.entity_sentences(*part(first)))
    assert set(kept) == {"documents", "every", "redone"} and len(kept["redone"]) > 0
    # run 2: the last document added; every surface it brings changes its entities' digests
    whole = S.entity_sentences(sentences, codebook_mentions)
    with caplog.at_level("INFO", logger="presslens.sentiment.targets"), S.remembered_masking(kept, keys) as kept2:
        two = S.corpus_masking(pieces(docs), sentences, codebook_mentions)
    pd.testing.assert_frame_equal(two, whole)
    assert set(kept2["documents"]) == set(docs)
    # run 3: nothing changed: every pair is settled by run 2's rows and none is tested (no regular expression searched)
    caplog.clear()
    searched = []
    real = S.targets._surface_pattern
    every_piece = pieces(docs)

    def masked_counting_patterns(known, given_keys):  # corpus_masking, with the patterns it builds recorded
        S.targets._surface_pattern = lambda forms: searched.append(forms) or real(forms)
        try:
            with S.remembered_masking(known, given_keys) as kept_now:
                return S.corpus_masking(every_piece, sentences, codebook_mentions), kept_now
        finally:
            S.targets._surface_pattern = real

    three, kept3 = masked_counting_patterns(kept2, keys)
    pd.testing.assert_frame_equal(three, whole)
    assert searched == []
    pd.testing.assert_frame_equal(kept3["redone"].sort_values(list(whole.columns[:6])).reset_index(drop=True),
                                  kept2["redone"].sort_values(list(whole.columns[:6])).reset_index(drop=True))
    # run 4: one document's key changed (its content, as far as the memo knows): its pairs are tested again, same rows
    four, _ = masked_counting_patterns(kept3, dict(keys, **{docs[0]: "another key"}))
    pd.testing.assert_frame_equal(four, whole)
    assert searched  # the changed document's pairs were worked out again
    with pytest.raises(RuntimeError, match="one block at a time"), S.remembered_masking(None, {}), S.remembered_masking(None, {}):
        pass


def test_mois_scores_without_its_name(sentences, codebook_mentions, codebook_tone):
    """Seeds: the sentences naming MOIS read warm on its own name; masked, they read far cooler."""
    row = codebook_tone.loc[(MOIS, "body")]
    # the raw mean is the plain mean of the sentences table's scores of the sentences naming it
    per_sentence = S.entity_sentences(sentences, codebook_mentions)
    mois = per_sentence[(per_sentence["entity"] == MOIS) & (per_sentence["part"] == "body")]
    keyed = sentences.assign(comment_id=sentences["comment_id"].fillna("").astype(str)).set_index(["doc_id", "part", "comment_id", "sent_id"])
    raw = keyed.loc[list(zip(mois["doc_id"], mois["part"], mois["comment_id"], mois["sent_id"])), "compound"]
    assert row["n_sentences"] == len(mois) >= 20
    assert row["mean_raw"] == round(raw.mean(), 4) and row["mean_raw"] > 0.5
    assert row["mean"] == round(mois["compound"].mean(), 4)
    assert row["mean"] < row["mean_raw"] - 0.25  # 0.61 raw, 0.22 masked on the seeds
    assert row["n_masked"] > 0
    # no name word of MOIS is left for VADER in the text it scored
    lexicon = S.analyzer().lexicon
    for masked in mois["masked"]:
        for surface in codebook_mentions.loc[codebook_mentions["entity"] == MOIS, "surface"].unique():
            assert re.search(rf"(?<!\w){re.escape(surface)}(?!\w)", masked) is None
    assert {"intelligence", "security"} & set(lexicon)
    # raw, MOIS is the warmest actor named in 10 or more body sentences; masked, it is not
    body = codebook_tone.xs("body", level="part")
    frequent = body[body["n_sentences"] >= 10]
    assert frequent["mean_raw"].idxmax() == MOIS
    assert frequent["mean"].idxmax() != MOIS


@pytest.mark.parametrize("entity", ["Iran", "Qassem Soleimani"])
def test_a_name_without_vader_words_scores_the_same_both_ways(codebook_mentions, codebook_tone, entity):
    lexicon = S.analyzer().lexicon
    surfaces = codebook_mentions.loc[codebook_mentions["entity"] == entity, "surface"].unique()
    assert len(surfaces) and not any(w.lower() in lexicon for s in surfaces for w in re.findall(r"\w+", s))
    rows = codebook_tone.xs(entity, level="entity")
    assert (rows["mean"] == rows["mean_raw"]).all() and (rows["n_masked"] == 0).all()
    assert rows["n_sentences"].sum() >= 10


def test_masking_can_be_turned_off_and_the_raw_columns_come_last(sentences, codebook_mentions):
    plain = S.entity_sentiment(sentences, codebook_mentions, mask=False)
    assert (plain["mean"] == plain["mean_raw"]).all() and (plain["n_masked"] == 0).all()
    assert list(plain.columns[-2:]) == ["mean_raw", "n_masked"]
    per_sentence = S.entity_sentences(sentences, codebook_mentions)
    assert list(per_sentence.columns) == S.ENTITY_SENTENCE_COLUMNS and per_sentence.columns[-1] == "compound_raw"
    changed = per_sentence[per_sentence["compound"] != per_sentence["compound_raw"]]
    assert len(changed) and (changed["masked"] != changed["text"]).all()
    assert (changed["compound"] == [S.scores(t)["compound"] for t in changed["masked"]]).all()
    comparison = S.entity_comparison(S.entity_sentiment(sentences, codebook_mentions)).set_index("entity")
    assert list(comparison.columns[-2:]) == ["body_mean_raw", "comment_mean_raw"]
    assert comparison.loc[MOIS, "body_mean_raw"] > comparison.loc[MOIS, "body_mean"]


def test_entity_comparison_puts_body_and_comments_side_by_side(corpus, sentences):
    table = S.entity_comparison(S.entity_sentiment(sentences, S.term_mentions(corpus, ["Iran", "CIA"]))).set_index("entity")
    assert table.loc["Iran", "comment_sentences"] > 0 and table.loc["CIA", "comment_sentences"] == 0
    assert math.isnan(table.loc["CIA", "difference"])
    assert table.loc["Iran", "difference"] == round(table.loc["Iran", "comment_mean"] - table.loc["Iran", "body_mean"], 4)


def test_most_mentioned_keeps_the_top_entities_most_named_first(corpus, sentences):
    table = S.entity_sentiment(sentences, S.term_mentions(corpus, list(S.DEFAULT_TERMS)))
    top = S.most_mentioned(table, n=2)
    assert list(dict.fromkeys(top["entity"])) == ["Iran", "Iraq"]  # 169 and 144 sentences
    assert top["part"].tolist() == ["body", "comment", "body", "comment"]
    assert list(S.entity_comparison(top)["entity"]) == ["Iran", "Iraq"]


def test_body_vs_comments_chart_draws_bodies_and_comment_sections(sentences, comments, documents):
    fig = S.body_vs_comments_chart(S.body_vs_comments(sentences, comments, documents=documents), source="test")
    by_name = {t.name: t for t in fig.data}
    assert len(by_name["body"].y) == 5 and list(by_name["comment"].y) == ["000 · The Burning Platform"]


def test_entity_sentiment_of_no_mentions_is_an_empty_table(sentences):
    empty = pd.DataFrame(columns=S.MENTION_COLUMNS)
    assert S.entity_sentiment(sentences, empty).empty


def test_entity_mentions_prefers_the_terms_given(corpus):
    mentions, how = S.entity_mentions(corpus, terms=["Mahdi"])
    assert set(mentions["entity"]) == {"Mahdi"} and "terms given" in how


# ---------------------------------------------------------------------------
# Caveats and extremes
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def flags(comments, documents):
    return S.caveat_flags(comments, documents=documents).set_index("comment_id")


def test_seed_comments_get_the_right_caveats(flags):
    assert flags.loc["c004", "sarcasm"] and flags.loc["c004", "profane_words"] == "fuckers"
    assert flags.loc["c001", "starts_with_quote"] and flags.loc["c001", "quotes_article"]
    assert not flags.loc["c013", "quotes_article"]  # “KINDLY” is a scare quote, one word
    assert flags.loc["c006", "profane_words"] == "asswipe"
    assert flags.loc["c005", "short"] and flags.loc["c005", "words"] == 14
    assert flags.loc["c001", "flags"] == "starts with a quote; quotes the article"
    assert flags.loc["c002", "flags"] == ""
    assert flags["sarcasm"].sum() == 1


@pytest.mark.parametrize(
    "text, sarcastic",
    [
        ("Why niggle over a trillion or two or six. //SARC OFF//", True),
        ("Why niggle over a trillion or two or six. /s", True),
        ("Why niggle over a trillion or two or six. <sarc>", True),
        ("Why niggle over a trillion or two or six.", False),
        ("See http://example.com/s/iraq for the numbers", False),
    ],
)
def test_sarcasm_markers(text, sarcastic):
    frame = pd.DataFrame({"doc_id": ["d"], "comment_id": ["c1"], "text": [text]})
    assert bool(S.caveat_flags(frame)["sarcasm"].iloc[0]) is sarcastic


def test_extreme_comments_are_ranked_and_never_on_both_sides(comments, flags):
    table = S.extreme_comments(comments, n=3, flags=flags.reset_index())
    neg = table[table["side"] == "most negative"]
    pos = table[table["side"] == "most positive"]
    assert neg["comment_id"].tolist() == ["c002", "c010", "c001"]
    assert pos["comment_id"].tolist() == ["c013", "c011", "c012"]
    assert (neg["compound"] <= -0.05).all() and (pos["compound"] >= 0.05).all()
    assert neg.iloc[2]["caveats"] == "starts with a quote; quotes the article"
    assert "kindly +2.2" in pos.iloc[0]["scored_words"]
    assert not table["text"].str.contains("\n").any()  # line breaks would show as \n in a table cell
    assert S.extreme_comments(comments, n=20)["comment_id"].is_unique


def test_comment_threads_table_joins_threads_and_flags(corpus):
    table = S.comment_threads_table(corpus)
    assert len(table) == 14 and list(table.columns[: len(S.THREAD_COLUMNS)]) == S.THREAD_COLUMNS
    assert table.set_index("comment_id").loc["c004", "flags"] == "sarcasm; profanity"


def test_mentions_from_presslens_entities_join_their_own_sentence(corpus, sentences):
    entities = pytest.importorskip("presslens.entities")
    mentions = entities.entity_mentions_table(corpus)
    if mentions.empty:
        pytest.skip("presslens.entities found no mentions (no codebook beside the seeds)")
    table = S.entity_sentiment(sentences, mentions, by_document=True)
    assert table["n_mentions"].sum() == len(mentions)  # every mention lies inside one sentence
    # the entities module numbers sentences itself; the span join must agree with it
    keyed = sentences.set_index(["doc_id", "part", "comment_id", "sent_id"])["compound"]
    top = mentions[mentions["entity"] == mentions["entity"].value_counts().index[0]]
    picked = top.drop_duplicates(["doc_id", "part", "comment_id", "sent_id"])
    expected = picked.assign(compound=[keyed.loc[k] for k in zip(picked["doc_id"], picked["part"], picked["comment_id"], picked["sent_id"])])
    overall = S.entity_sentiment(sentences, top).set_index("part")
    for part, sub in expected.groupby("part"):
        assert overall.loc[part, "n_sentences"] == len(sub)
        assert overall.loc[part, "mean"] == round(sub["compound"].mean(), 4)


def test_remembered_scores_are_vaders_own_and_the_callers_own(corpus):
    reference = SentimentIntensityAnalyzer()
    texts = [c.text for d in corpus for c in d.comments][:60]
    for text in texts + texts:  # the second round comes from the memo
        got = S.scores(text)
        assert got == reference.polarity_scores(text)
        assert list(got) == list(reference.polarity_scores(text))  # same keys, same order
        got["compound"] = 99.0  # a caller changing its dict does not change the next caller's
    assert S.scores(texts[0]) == reference.polarity_scores(texts[0])
