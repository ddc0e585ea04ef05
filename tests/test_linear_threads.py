"""Comment threads at any size: a 1,500-deep reply chain, replies to unknown names, thousands of threads.

The timings are in ``benchmarks/bench_linear_threads.py``; these tests pin the behaviour: parents and
depths come out right on inputs far deeper than Python's recursion limit, the reply-tree chart draws a
bounded view and says what it left out, the thread view keeps every comment in a bounded number of
columns, and parent resolution gives what the former (quadratic) scans gave, checked against them here
on random sections.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta

import pandas as pd
import pytest

from presslens import sentiment as S
from presslens.ingest.comments import Comment, _Head, _thread, locate_comments
from presslens.ingest.domcomments import _Addressees, _norm
from presslens.sentiment.threads import THREAD_CHART_COMMENTS, THREAD_LEVELS, chart_selection
from presslens.text import scores

START = datetime(2019, 11, 30, 15, 0)


def _when(k: int) -> str:
    t = START + timedelta(minutes=3 * k)
    return f"{t:%B} {t.day}, {t.year} {t.hour % 12 or 12}:{t:%M} {'am' if t.hour < 12 else 'pm'}"


def _page(comments: list[tuple[str, str | None, str]]) -> list[str]:
    """Lines of a copied page in seed 000's threaded layout: (author, name replied to, text) per comment."""
    lines = ["A story", "", "The war was a blunder, and the region still pays for it. " * 3, "", f"{len(comments)} Comments", ""]
    for k, (author, reply, text) in enumerate(comments):
        lines += [author, author] + ([f"\u00a0 {reply}"] if reply else []) + [_when(k), "", text, ""]
    return lines


def _threads(located) -> pd.DataFrame:
    rows = []
    for c in located.comments:
        s = scores(c.text)
        rows.append({"doc_id": "page", "comment_id": c.comment_id, "author": c.author, "posted": c.posted,
                     "reply_to": c.reply_to or "", "depth": c.depth, "text": c.text, "compound": s["compound"],
                     "pos": s["pos"], "neu": s["neu"], "neg": s["neg"], "label": S.label(s["compound"]), "line": c.line})
    return S.thread_table(pd.DataFrame(rows))


DEPTH = 1500


@pytest.fixture(scope="module")
def chain():
    lines = _page([(f"Reader {k:05d}", f"Reader {k - 1:05d}" if k else None, "I disagree with the comment above.") for k in range(DEPTH)])
    located = locate_comments(lines)
    return located, _threads(located)


def test_a_1500_deep_reply_chain_parses_with_its_parents_and_depths(chain):
    located, threads = chain
    assert len(located.comments) == DEPTH and not located.warnings
    for k, c in enumerate(located.comments):
        assert c.reply_to == (located.comments[k - 1].comment_id if k else None)
        assert c.depth == k
    assert threads["depth"].tolist() == list(range(DEPTH))
    assert threads["thread_size"].eq(DEPTH).all() and threads["thread_id"].nunique() == 1
    assert threads["n_replies"].tolist() == [1] * (DEPTH - 1) + [0]


def test_the_reply_tree_chart_of_a_1500_deep_chain_is_bounded_and_says_what_it_left_out(chain):
    _, threads = chain
    fig = S.thread_chart(threads, doc_id="page", source="test")
    points = next(t for t in fig.data if t.name == "comment")
    assert len(points.y) == THREAD_LEVELS <= THREAD_CHART_COMMENTS  # the first levels of the one thread
    assert len(fig.layout.yaxis.categoryarray) == THREAD_LEVELS
    title = fig.layout.title.text
    assert f"Drawn: {THREAD_LEVELS} of 1,500 comments" in title
    assert f"left out: {DEPTH - THREAD_LEVELS:,} replies deeper than level {THREAD_LEVELS}" in title
    # serialising the figure walks no 1,500-deep structure, and the chart stays small
    assert len(json.dumps(fig.to_plotly_json(), default=str)) < 60_000
    assert len(fig.to_html(include_plotlyjs=False, full_html=False)) < 80_000


def test_the_thread_view_keeps_every_comment_in_bounded_columns(chain):
    _, threads = chain
    view = S.thread_view(threads, doc_id="page")
    assert len(view) == DEPTH
    authors = [c for c in view.columns if c.endswith(" by")]
    assert len(authors) == THREAD_LEVELS
    last = f"reply (depth {THREAD_LEVELS - 1} or more) by"
    assert authors[-1] == last
    assert view.iloc[-1][last] == f"Reader {DEPTH - 1:05d} (depth {DEPTH - 1})"
    assert view.iloc[THREAD_LEVELS - 1][last] == f"Reader {THREAD_LEVELS - 1:05d}"
    assert view.iloc[0]["comment by"] == "Reader 00000" and view.iloc[0][last] == ""


def test_many_top_level_comments_draw_the_largest_threads(chain):
    texts = ["Nonsense.", "Well said!", "I think this is wrong."]
    comments = [(f"Reader {k:05d}", f"Reader {k - 1:05d}" if k % 10 == 9 else None, texts[k % 3]) for k in range(1000)]
    threads = _threads(locate_comments(_page(comments)))
    assert threads["thread_id"].nunique() == 900
    fig = S.thread_chart(threads, doc_id="page", source="test")
    points = next(t for t in fig.data if t.name == "comment")
    assert len(points.y) == THREAD_CHART_COMMENTS
    # the threads of two comments come first (largest, in page order on a tie), as many as fit whole
    drawn, note = chart_selection(threads)
    assert drawn["thread_id"].value_counts().eq(2).sum() == 60 and len(drawn) == THREAD_CHART_COMMENTS
    assert drawn["comment_id"].iloc[0] == "c009"
    assert drawn["order"].is_monotonic_increasing
    assert set(drawn["reply_to"].replace("", pd.NA).dropna()) <= set(drawn["comment_id"])  # each reply's parent is drawn
    assert note == ("Drawn: 120 of 1,000 comments (the 60 largest of 900 threads, 8 levels at most); "
                    "left out: 880 comments of the 840 other threads.")
    assert note in fig.layout.title.text
    assert len(fig.layout.shapes) == 30  # every other drawn thread on a band, set in one layout update


def test_a_thread_too_big_to_draw_whole_draws_its_first_comments(chain):
    _, threads = chain
    drawn, note = chart_selection(threads, max_comments=5, levels=DEPTH)
    assert drawn["depth"].tolist() == [0, 1, 2, 3, 4]
    assert note == (f"Drawn: 5 of 1,500 comments (the first 5 comments of the largest of 1 threads, {DEPTH} levels at most); "
                    "left out: 1,495 comments: the rest of the largest thread.")
    with pytest.raises(S.SentimentError, match="at least one comment"):
        chart_selection(threads, max_comments=0)
    with pytest.raises(S.SentimentError, match="at least one author column"):
        S.thread_view(threads, levels=0)


def test_a_small_section_is_drawn_whole_without_a_note():
    comments = [("Ann", None, "Good piece."), ("Bob", "Ann", "No, it is not."), ("Cy", None, "Thanks.")]
    threads = _threads(locate_comments(_page(comments)))
    drawn, note = chart_selection(threads)
    assert len(drawn) == 3 and note == ""
    assert "Drawn:" not in S.thread_chart(threads, doc_id="page", source="test").layout.title.text


def test_replies_to_unknown_names_stay_top_level_with_a_warning():
    comments = [(f"Reader {k:03d}", f"Ghost {k:03d}" if k % 2 else None, "Who are you talking to?") for k in range(400)]
    located = locate_comments(_page(comments))
    assert all(c.reply_to is None and c.depth == 0 for c in located.comments)
    ghosts = [w for w in located.warnings if "who has no earlier comment; kept as top-level" in w]
    assert len(ghosts) == 200 and "'Ghost 001'" in ghosts[0]


# ---------------------------------------------------------------------------
# The former scans, kept here as the reference the indexed resolution must agree with.
# ---------------------------------------------------------------------------
def _reference_thread(comments: list[Comment], heads: list[_Head], warnings: list[str]) -> None:
    from presslens.ingest.comments import _order_key

    by_id = {c.comment_id: c for c in comments}
    keys = [_order_key(c, h) for c, h in zip(comments, heads)]

    def ancestry(comment):
        chain = [comment]
        while chain[0].reply_to is not None and chain[0].reply_to in by_id:
            chain.insert(0, by_id[chain[0].reply_to])
        return chain

    path: list[Comment] = []
    for n, (comment, head) in enumerate(zip(comments, heads)):
        if head.level is not None:
            parent = next((comments[k] for k in range(n - 1, -1, -1) if heads[k].level is not None and heads[k].level < head.level), None)
            if head.level > 1 and parent is not None:
                comment.reply_to = parent.comment_id
                comment.depth = parent.depth + 1
            else:
                comment.reply_to = None
            path = ancestry(comment)
            continue
        name = comment.reply_to
        if name is None:
            path = [comment]
            continue

        def can_answer(k: int) -> bool:
            return keys[k] is None or keys[n] is None or keys[k] <= keys[n]

        index = {c.comment_id: k for k, c in enumerate(comments)}
        parent = next((c for c in reversed(path) if c.author == name and can_answer(index[c.comment_id])), None)
        if parent is None:
            earlier = [comments[k] for k in range(n) if comments[k].author == name and can_answer(k)]
            parent = earlier[-1] if earlier else None
        if parent is None:
            warnings.append(f"comment {comment.comment_id} by {comment.author!r} replies to {name!r}, who has no earlier comment; kept as top-level")
            comment.reply_to = None
            path = [comment]
            continue
        comment.reply_to = parent.comment_id
        comment.depth = parent.depth + 1
        path = ancestry(parent) + [comment]


def _random_section(rng: random.Random, n: int, levels: bool) -> tuple[list[Comment], list[_Head]]:
    people = ["Ann", "Bob", "Cy", "Di", "Ed", "Flo"]
    comments, heads = [], []
    level = 1
    for k in range(n):
        author = rng.choice(people)
        # times mostly in page order, sometimes earlier (a reply cannot answer a later comment), sometimes missing
        posted = "" if rng.random() < 0.15 else (START + timedelta(minutes=k * 5 - rng.choice([0, 0, 0, 30]))).isoformat()
        raw = "" if posted or rng.random() < 0.5 else f"{rng.randint(1, 9)} days ago"
        reply = rng.choice(people + ["Ghost"]) if rng.random() < 0.6 else None
        head = _Head(line=k, author=author, posted_raw=raw, text_start=k)
        if levels and rng.random() < 0.8:
            level = max(1, min(level + rng.choice([-2, -1, 0, 1, 1]), 12))
            head.level = level
        comments.append(Comment(comment_id=f"c{k + 1:03d}", author=author, posted=posted, reply_to=reply, depth=0, text="x", line=k + 1))
        heads.append(head)
    return comments, heads


@pytest.mark.parametrize("levels", [False, True])
def test_indexed_threading_gives_the_former_scans_parents(levels):
    rng = random.Random(19)
    for _ in range(60):
        comments, heads = _random_section(rng, rng.randint(1, 60), levels)
        again = [Comment(**vars(c)) for c in comments]
        warnings, expected = [], []
        _thread(comments, heads, warnings)
        _reference_thread(again, heads, expected)
        assert [(c.reply_to, c.depth) for c in comments] == [(c.reply_to, c.depth) for c in again]
        assert warnings == expected


def _reference_mention(text: str, idx: int, authors: list[str]):
    import re

    m = re.match(r"\s*@ ?([^\s:,;!?]+(?: [^\s:,;!?]+)?)", text)
    if not m:
        head = text.lstrip()[:80].casefold()
        for j in range(idx - 1, -1, -1):
            a = _norm(authors[j]).casefold()
            if len(a) >= 4 and a != _norm(authors[idx]).casefold() and head.startswith(a) \
                    and (len(head) == len(a) or not head[len(a)].isalnum()):
                return j
        return None
    wanted = m.group(1).lower()
    for j in range(idx - 1, -1, -1):
        a = authors[j].lower()
        if a and (wanted == a or wanted.replace(" ", "") == a.replace(" ", "")
                  or wanted.split(" ")[0] == a.replace(" ", "") or a.startswith(wanted) and len(wanted) >= 3):
            return j
    return None


def test_indexed_mentions_give_the_former_scans_parents():
    rng = random.Random(7)
    names = ["anna", "Anna B", "annabelle", "Bo", "bob smith", "Bob", "yellowkitty", "Yellow Kitty", "  Carl  Z ", "", "ghost"]
    openers = ["@anna ", "@Ann ", "@ann b: ", "@bob smith, ", "@bo ", "@Yellow Kitty! ", "@yellowkitty ", "@nobody ",
               "yellowkitty die Ohren ", "Anna B, ", "annabelle: ", "Bob ", "carl z: ", "Bobby ", "@ghost ", ""]
    for _ in range(80):
        n = rng.randint(1, 40)
        authors = [rng.choice(names) for _ in range(n)]
        texts = [rng.choice(openers) + "I see what you mean." for _ in range(n)]
        resolver = _Addressees(authors)
        assert [resolver.parent(t, i) for i, t in enumerate(texts)] == [_reference_mention(t, i, authors) for i, t in enumerate(texts)]
        # asked out of page order, it indexes again and still agrees
        i = rng.randrange(n)
        assert resolver.parent(texts[i], i) == _reference_mention(texts[i], i, authors)
