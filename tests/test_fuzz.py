"""Property-based tests: random and mutated documents either parse or raise our own clear error.

Mutations start from the real seed with the threaded comment section (000), so
they reach the comment parser: comment blocks cut at random points, date lines
garbled, names removed, huge paragraphs, whitespace-only files. Each example has
a deadline, so a hang fails the test instead of stalling CI.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from presslens.corpus import load_corpus
from presslens.errors import PresslensError
from presslens.segment import segment_page
from presslens.tables import sentences_table
from presslens.text import decode_bytes, sentence_spans

SEED = (Path(__file__).resolve().parents[1] / "seeds" / "000_f852db828fd11835.txt").read_text(encoding="utf-8")
SEED_LINES = SEED.split("\n")
#: examples per property; PRESSLENS_FUZZ_EXAMPLES=2000 for a deep run on demand
EXAMPLES = int(os.environ.get("PRESSLENS_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=timedelta(seconds=5), suppress_health_check=[HealthCheck.too_slow])


def check_segmentation(text: str) -> None:
    """The invariants every segmentation keeps, whatever the input."""
    result = segment_page(text)
    ids = [c.comment_id for c in result.comments]
    assert len(ids) == len(set(ids))
    seen: set[str] = set()
    for comment in result.comments:
        assert comment.author.strip()
        assert comment.reply_to is None or comment.reply_to in seen  # parents come first
        assert comment.depth >= 0
        seen.add(comment.comment_id)
    lines = text.split("\n")
    for segment in result.segments:
        assert 1 <= segment.line <= len(lines)
        assert segment.text.strip()
    body = "\n\n".join(s.text for s in result.segments if s.kind == "body")
    for start, end in sentence_spans(body):
        assert 0 <= start < end <= len(body)


@FUZZ
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=3000))
def test_random_text_segments_without_error(text):
    check_segmentation(text)


line_edits = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=len(SEED_LINES) - 1),
        st.sampled_from(["drop", "blank", "garble-date", "dup", "huge", "nbsp-reply", "truncate"]),
    ),
    max_size=25,
)


@FUZZ
@given(line_edits, st.integers(min_value=0, max_value=len(SEED)))
def test_mutated_seed_with_comments_segments_without_error(edits, cut):
    lines = list(SEED_LINES[: max(1, SEED[:cut].count("\n") + 1)])  # a comment section cut anywhere
    for index, action in edits:
        if index >= len(lines):
            continue
        if action == "drop":
            del lines[index]
        elif action == "blank":
            lines[index] = "   "
        elif action == "garble-date":
            lines[index] = "November 31, 2019 25:61 pm"
        elif action == "dup":
            lines.insert(index, lines[index])
        elif action == "huge":
            lines[index] = lines[index] + " word" * 20_000
        elif action == "nbsp-reply":
            lines.insert(index, "\u00a0 nobody-here")
        elif action == "truncate":
            lines[index] = lines[index][: len(lines[index]) // 2]
    check_segmentation("\n".join(lines))


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_decode_or_raise_our_error(data):
    try:
        decoded = decode_bytes(data, name="fuzz.txt")
    except PresslensError as exc:
        assert str(exc).startswith("fuzz.txt: ")
    else:
        assert "\r" not in decoded.text and decoded.encoding


@settings(max_examples=25, deadline=timedelta(seconds=10), suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.one_of(st.binary(max_size=500), st.text(max_size=500).map(lambda t: t.encode("utf-8"))), min_size=1, max_size=4))
def test_a_folder_of_random_files_loads_or_lists_rejections(tmp_path_factory, files):
    folder = tmp_path_factory.mktemp("fuzzcorpus")
    for n, data in enumerate(files):
        (folder / f"doc{n}.txt").write_bytes(data)
    corpus = load_corpus(folder)
    assert len(corpus.inputs) == len(files)
    assert len(corpus) + len(corpus.rejected) == len(files)
    assert all(i.reason for i in corpus.rejected)
    sentences_table(corpus)  # every accepted document goes through the sentence splitter too


def test_whitespace_only_and_separator_only_pages():
    for text in ["", "   \n\n\t", "-----\n-----", "\u00a0\n\u00a0", "14 Comments"]:
        check_segmentation(text)
