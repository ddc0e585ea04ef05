"""The bounds that keep every per-document text stage linear in its input (issue #19, part E).

Nothing here is timed (the timings are ``benchmarks/bench_linear.py``): these tests pin what the bounds do, so
that a long sentence, a run of number words, a page of lower-case paragraphs, a long comment and a corpus of many
names give the documented results.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict

import pandas as pd
import pytest
from rapidfuzz import fuzz

from presslens.entities.discovery import MAX_SIMILAR_NAMES, _similar_names
from presslens.figures import read_numbers
from presslens.figures.numbers import _left, _longest_words_prefix, _words_value
from presslens.sentiment.lexicon import score_mismatches
from presslens.text import MAX_SENTENCE_CHARS, analyzer, bounded_spans, clear_memos, score_chunks, scores, sentence_spans
from presslens.text.sentences import MAX_PUNKT_CHARS, _punkt_pieces, _sentence_blocks
from presslens.text.vader import MAX_WORDS, polarity_scores

WORDS = "the council met again and nothing was decided about the water pipes near the old mill".split()


# --- sentences ---------------------------------------------------------------------------------------------------------


def test_a_very_long_sentence_is_cut_at_the_documented_bound_at_whitespace():
    rng = random.Random(3)
    text = " ".join(rng.choice(WORDS) for _ in range(2_500))  # ~13,000 characters, no full stop, no capital
    spans = sentence_spans(text)
    assert len(spans) > 5
    assert all(0 < b - a <= MAX_SENTENCE_CHARS for a, b in spans)
    for (a, b), (c, _) in zip(spans, spans[1:]):
        assert text[b].isspace() and not text[b - 1].isspace() and not text[c].isspace()
        assert not text[b:c].strip()  # nothing between two pieces but whitespace
        assert b - a > MAX_SENTENCE_CHARS - 20  # no comma: each piece ends at the last space before the bound
    assert " ".join(text[a:b] for a, b in spans).split() == text.split()


def test_a_piece_without_whitespace_is_cut_at_the_bound_exactly():
    text = "x" * 4_500
    assert bounded_spans(text, 0, len(text)) == [(0, 2_000), (2_000, 4_000), (4_000, 4_500)]
    assert bounded_spans("short one", 0, 9) == [(0, 9)]


def test_a_block_too_long_for_punkts_time_limit_is_read_in_pieces_ending_at_full_stops():
    text = " ".join(f"Sentence number {i} ends here." for i in range(200))
    pieces = _punkt_pieces(text, 0, len(text), limit=500)
    assert all(b - a <= 500 for a, b in pieces) and pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(text[b - 1] == "." for a, b in pieces)
    assert _punkt_pieces(text, 0, 400, limit=500) == [(0, 400)]
    long_line = " ".join([text] * 40)  # ~0.24 MB on one line: read in pieces (15 MB read whole passes NLTK's 5 s limit)
    assert len(long_line) > 2 * MAX_PUNKT_CHARS
    spans = sentence_spans(long_line)
    assert len(spans) == 8_000 and all(long_line[a:b].startswith("Sentence number") for a, b in spans)


def _old_blocks(text: str) -> list[tuple[int, int]]:
    """The paragraph joining as it was before it was made linear (re-searching each grown block)."""
    para_break, mid_end = re.compile(r"\n[ \t\u00a0]*\n\s*"), re.compile(r"[a-z,]\s*$")
    blocks: list[list[int]] = []
    pos = 0
    for match in [*para_break.finditer(text), None]:
        end = match.start() if match else len(text)
        if text[pos:end].strip():
            if blocks and mid_end.search(text[blocks[-1][0] : blocks[-1][1]]):
                blocks[-1][1] = end
            else:
                blocks.append([pos, end])
        if match:
            pos = match.end()
    return [(a, b) for a, b in blocks]


def test_paragraphs_are_joined_as_before():
    rng = random.Random(5)
    endings = ["", ".", ",", " ", "  \t", "!", "A", "z"]
    for _ in range(200):
        paragraphs = [rng.choice(WORDS + ["Baghdad", "", "  "]) + rng.choice(endings) for _ in range(rng.randint(1, 12))]
        text = "".join(p + rng.choice(["\n\n", "\n \n", "\n\n\n  ", "\n\u00a0\n"]) for p in paragraphs)
        assert _sentence_blocks(text) == _old_blocks(text), repr(text)


# --- numbers -----------------------------------------------------------------------------------------------------------


def test_every_number_of_a_very_long_sentence_is_read():
    values = list(range(101, 101 + 3 * 400, 3))
    text = "Officials said " + ", ".join(f"at least {v:,} civilians were killed in Mosul" for v in values) + "."
    assert len(text) > 5 * MAX_SENTENCE_CHARS
    clear_memos()
    readings = read_numbers(text)
    assert [r.value_text for r in readings] == [f"{v:,}" for v in values]
    assert all(r.verdict == "figure" and r.kind == "deaths" and r.hedge == "lower" for r in readings)
    assert [r.low for r in readings] == [float(v) for v in values]


def _popping(tokens: list[str]) -> tuple[int, float | None]:
    """The old reading of a run of number words: drop the last word until the rest is one number."""
    tokens = list(tokens)
    while tokens and _words_value(tokens) is None:
        tokens.pop()
    return len(tokens), (_words_value(tokens) if tokens else None)


def test_the_longest_number_in_a_run_of_number_words_is_found_in_one_pass():
    vocabulary = ["one", "two", "seven", "twelve", "twenty", "forty", "hundred", "thousand", "million", "and"]
    rng = random.Random(11)
    for _ in range(2_000):
        tokens = [rng.choice(vocabulary) for _ in range(rng.randint(1, 9))]
        assert _longest_words_prefix(tokens) == _popping(tokens), tokens
    assert _longest_words_prefix("eight thousand one hundred and seventy five".split()) == (7, 8175.0)


def test_a_long_run_of_number_words_reads_its_first_number():
    run = " ".join(["seven", "hundred", "and", "five"] * 2_000)
    readings = read_numbers(f"They counted {run} bodies.")
    assert readings[0].value_text == "seven hundred and five" and readings[0].low == 705.0


def test_the_left_context_is_bounded_and_starts_at_whitespace():
    sentence = "word " * 200 + "nearly 4,500"
    a = sentence.index("4,500")
    left = _left(sentence, a)
    assert len(left) <= 300 and sentence[:a].endswith(left) and left[0].isspace()
    assert _left("at least 40", 9) == "at least "
    far = "x" * 500 + " nearly " + "y " * 20 + "40 were killed"
    assert read_numbers(far)[0].hedge == ""  # "nearly" is not next to the number, wherever the window starts


# --- VADER -------------------------------------------------------------------------------------------------------------


def test_a_text_up_to_the_bound_keeps_vaders_own_scores():
    text = " ".join(["This is a terrible, terrible war but the people are kind."] * 80)  # 880 words
    assert len(text.split()) <= MAX_WORDS
    clear_memos()
    assert scores(text) == analyzer().polarity_scores(text)
    assert score_chunks(text) == [text]


def test_a_long_text_is_scored_as_the_word_weighted_mean_of_its_chunks():
    rng = random.Random(2)
    sentences = ["The war was a terrible disaster.", "Thank you for this excellent and brave reporting!",
                 "Nobody knows what happens next.", "They lied and people died, but the truth came out."]
    text = " ".join(rng.choice(sentences) for _ in range(900))  # ~6,000 words
    chunks = score_chunks(text)
    assert len(chunks) > 5 and all(len(c.split()) <= MAX_WORDS for c in chunks)
    assert " ".join(chunks).split() == text.split()  # every word in one chunk, in order
    assert all(c.endswith((".", "!")) for c in chunks)  # whole sentences
    weighted = [(len(c.split()), analyzer().polarity_scores(c)) for c in chunks]
    total = sum(w for w, _ in weighted)
    expected = {k: round(sum(w * s[k] for w, s in weighted) / total, 4 if k == "compound" else 3) for k in ("neg", "neu", "pos", "compound")}
    clear_memos()
    assert scores(text) == expected == polarity_scores(text)


def test_a_long_comment_passes_the_score_check():
    text = " ".join(["What a wonderful and honest article."] * 400)
    s = scores(text)
    frame = pd.DataFrame([{"doc_id": "d", "comment_id": "c1", "text": text, **s, "label": "positive"}])
    assert score_mismatches(frame).empty


def test_one_sentence_longer_than_the_bound_is_cut_into_runs_of_words():
    text = " ".join(["good"] * 2_500)  # one "sentence" of 12,500 characters, cut by sentence_spans as well
    chunks = score_chunks(text)
    assert [len(c.split()) for c in chunks] == [MAX_WORDS, MAX_WORDS, 500] or all(len(c.split()) <= MAX_WORDS for c in chunks)
    assert sum(len(c.split()) for c in chunks) == 2_500


# --- discovery ---------------------------------------------------------------------------------------------------------


def _brute_similar(keys, threshold=85.0):
    out = defaultdict(list)
    keys = sorted(keys)
    for i, a in enumerate(keys):
        for b in keys[i + 1 :]:
            if len(a.split()) == len(b.split()) and fuzz.ratio(a, b) >= threshold:
                out[a].append(b)
                out[b].append(a)
    return dict(out)


@pytest.mark.parametrize("threshold", [70.0, 85.0, 95.0])
def test_similar_names_are_exactly_those_every_pair_comparison_finds(threshold):
    rng = random.Random(int(threshold))
    letters = "aeiouqsmnlhrdk '-"
    keys = set()
    for _ in range(60):
        base = "".join(rng.choice(letters) for _ in range(rng.randint(3, 22))).strip() or "x"
        keys.add(base)
        for _ in range(4):
            chars = list(base)
            for _ in range(rng.randint(0, 3)):
                pos = rng.randrange(len(chars) + 1)
                op = rng.random()
                if op < 0.4 and pos < len(chars):
                    chars[pos] = rng.choice(letters)
                elif op < 0.7:
                    chars.insert(pos, rng.choice(letters))
                elif pos < len(chars):
                    del chars[pos]
            if "".join(chars).strip():
                keys.add("".join(chars).strip())
    candidates = {k: {"docs": ["001"], "count": 1} for k in keys}
    assert _similar_names(candidates, threshold=threshold) == _brute_similar(keys, threshold)


def test_similar_names_are_looked_for_among_the_names_in_most_sources():
    candidates = {
        "qassem suleimani": {"docs": ["001", "002", "003"], "count": 5},
        "qassim suleimani": {"docs": ["001", "002"], "count": 2},
        "qasem soleimani": {"docs": ["004"], "count": 1},
    }
    assert _similar_names(candidates)["qassem suleimani"] == ["qasem soleimani", "qassim suleimani"]
    bounded = _similar_names(candidates, limit=2)
    assert bounded == {"qassem suleimani": ["qassim suleimani"], "qassim suleimani": ["qassem suleimani"]}
    assert MAX_SIMILAR_NAMES >= 1_000
