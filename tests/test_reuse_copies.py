"""The copy generator (tests/reuse_copies.py): each copy has the property its kind claims.

Source texts: seeds 004 and 001, and, when ``../corpora-local/reuse-news-pages`` is present (read in
place, never copied), the first wire original named by each story's labels.csv.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from benchmarks.corpora import corpus_folder
from presslens.paths import seeds_dir
from reuse_copies import COPY_KINDS, LABELS, make_copies, parse_story, reword

ROOT = Path(__file__).resolve().parents[1]
# the team-collected set in ../corpora-local beside the project (benchmarks.corpora: searched upwards, PRESSLENS_CORPORA first)
NEWS_PAGES = corpus_folder("reuse-news-pages")
SEEDS = {name: (seeds_dir() / f"{name}.txt") for name in ("004_5ef0e76b6908624d", "001_9e368b0eaaa11057")}
BACKGROUND = seeds_dir() / "003_2637237e9277fabb.txt"
_WORDS = re.compile(r"[a-z0-9']+")


def _flat(text: str) -> str:
    return " ".join(text.split())


def _grams(text: str, n: int = 6) -> set[tuple[str, ...]]:
    words = _WORDS.findall(text.lower().replace("\u2019", "'"))
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def _wire_originals() -> dict[str, Path]:
    """Wire originals of the real news pairs (read in place; absent on most machines)."""
    if not NEWS_PAGES.is_dir():
        return {}
    out = {}
    for labels in sorted(NEWS_PAGES.glob("*/labels.csv")):
        sources = [line.split(",") for line in labels.read_text().splitlines()[1:]]
        originals = {row[1] if row[4] == "a" else row[2] for row in sources if len(row) >= 5 and row[4] in ("a", "b")}
        for name in sorted(originals)[:1]:
            path = labels.parent / name
            if path.is_file():
                out[f"{labels.parent.name}/{name}"] = path
    return out


TEXTS = {**SEEDS, **_wire_originals()}


@pytest.fixture(scope="module", params=sorted(TEXTS))
def case(request):
    text = TEXTS[request.param].read_text(encoding="utf-8")
    return text, parse_story(text), make_copies(text, seed=5, background=BACKGROUND.read_text(encoding="utf-8"))


def test_every_kind_and_its_meter_label(case):
    _, _, copies = case
    assert list(copies) == list(COPY_KINDS)
    assert [c.label for c in copies.values()] == ["wholly", "wholly", "partially", "non", "non"]
    assert all(c.label == LABELS[c.kind] and c.derived == (c.label != "non") for c in copies.values())


def test_same_seed_same_copies_other_seed_other_copies():
    text = SEEDS["004_5ef0e76b6908624d"].read_text(encoding="utf-8")
    assert make_copies(text, seed=2) == make_copies(text, seed=2)
    again, other = make_copies(text, seed=2), make_copies(text, seed=3)
    assert any(again[k].text != other[k].text for k in COPY_KINDS)


def test_captioned_reprint_carries_every_sentence_and_adds_captions(case):
    text, story, copies = case
    copy = copies["captioned reprint"]
    flat = _flat(copy.text)
    assert copy.kept_share == 1.0
    assert all(s in flat for s in story.sentences)
    assert any(re.search(r"Photo", line) for line in copy.added)
    assert any(line.startswith("Related:") for line in copy.added)
    assert all(_flat(line) in flat for line in copy.added)
    assert len(copy.text) > len(text)
    lead = story.paragraphs[story.lead][0]
    assert f"\u2014 {lead}" in flat, "the lead carries the new dateline"
    if story.agency:
        assert f"({story.agency}) \u2014 {lead}" not in flat, "the agency tag is gone from the dateline"


def test_trimmed_reprint_keeps_the_first_paragraphs_and_cuts_the_end(case):
    _, story, copies = case
    copy = copies["trimmed reprint"]
    flat = _flat(copy.text)
    n = len(copy.kept)
    assert copy.kept == tuple(range(n)) and 0.3 <= copy.kept_share < 1.0
    assert all(s in flat for s in story.sentences[:n])
    cut = [s for s in story.sentences[n:] if len(s.split()) >= 6 and s not in " ".join(story.sentences[:n])]
    assert cut and not any(s in flat for s in cut)
    assert copy.added[0] in copy.text


def test_condensed_rewrite_rewords_drops_and_keeps_quotes_verbatim(case):
    _, story, copies = case
    copy = copies["condensed rewrite"]
    flat = _flat(copy.text)
    sentences = story.sentences
    carried = set(copy.kept) | set(copy.reworded)
    assert len(carried) < len(sentences), "some paragraphs are dropped"
    plain = [i for i in carried if not re.search("[\u201c\u201d\"]", sentences[i]) and len(sentences[i].split()) >= 8]
    assert copy.kept_share < 0.7 and len(copy.reworded) >= 0.4 * len(plain)
    assert all(sentences[i] in flat for i in copy.kept)
    for i, new in zip(copy.reworded, copy.rewordings):
        old = sentences[i]
        assert new in flat and new != old and not re.search("[\"\u201c\u201d]", old)
        shared = set(_WORDS.findall(old.lower())) & set(_WORDS.findall(new.lower()))
        assert len(shared) >= 0.5 * len(set(_WORDS.findall(old.lower())))
    quoting = [i for i in carried if re.search("[\u201c\u201d\"]", sentences[i])]
    assert all(i in copy.kept for i in quoting), "a sentence with a quotation is never reworded"
    assert all(q in flat for q in copy.quotes)
    carried_text = {sentences[i] for i in carried}
    dropped = [s for k, s in enumerate(sentences) if k not in carried and len(s.split()) >= 8 and s not in carried_text]
    assert sum(s in flat for s in dropped) <= len(dropped) // 10, "a dropped sentence is not in the copy"


def test_shared_quotes_quotes_one_speaker_verbatim_and_nothing_else(case):
    _, story, copies = case
    copy = copies["shared quotes"]
    if not copy.quotes:
        pytest.skip("the source quotes no named speaker")
    flat = _flat(copy.text)
    assert all(_flat(q) in flat for q in copy.quotes)
    speakers = set(re.findall(r"\u201d ([A-Z][\w .'-]+?) said\.|([A-Z][\w .'-]+?) said: \u201c", flat))
    assert len({a or b for a, b in speakers}) == 1
    outside = re.sub("\u201c[^\u201d]*\u201d", " ", copy.text)
    assert not (_grams(outside) & _grams(" ".join(story.sentences)))


def test_independent_story_shares_names_but_no_text(case):
    _, story, copies = case
    copy = copies["independent"]
    source = " ".join(story.sentences)
    assert not (_grams(copy.text) & _grams(source))
    names = set(re.findall(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)+", copy.text))
    assert any(n in source for n in names), "same event: the source's names"


@pytest.mark.parametrize(
    "sentence, expect",
    [
        ("Officials said on Monday that the plan would go ahead in the spring.", "The plan would go ahead in the spring, officials said on Monday."),
        ("The plan would go ahead in the spring, the minister said.", "The minister said that the plan would go ahead in the spring."),
        ("The talks collapsed because neither side would give ground on the border.", "Because neither side would give ground on the border, the talks collapsed."),
    ],
)
def test_reword_moves_attribution_and_clauses(sentence, expect):
    rng = random.Random(0)
    got = reword(sentence, rng)
    assert got.split()[:3] == expect.split()[:3] and got != sentence


def test_reword_leaves_a_quotation_alone():
    sentence = "\u201cWe will not back down,\u201d the minister said on Monday."
    assert reword(sentence, random.Random(1)) == sentence


def test_parse_story_reads_the_dateline():
    story = parse_story("Headline here\nWASHINGTON (AP) \u2014 The Senate voted on Tuesday. It passed 51-49.\nA second paragraph.")
    assert (story.headline, story.place, story.agency) == ("Headline here", "WASHINGTON", "AP")
    assert story.paragraphs == (("The Senate voted on Tuesday.", "It passed 51-49."), ("A second paragraph.",))
