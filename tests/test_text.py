"""presslens.text: decoding, normalisation and sentences, on seed sentences."""

from __future__ import annotations

import subprocess
import sys
import unicodedata

import pytest

from presslens.errors import CorpusError
from presslens.tables import sentences_table
from presslens.text import count_words, decode_bytes, sentence_spans, words

SEED_SENTENCES = [
    # (text, expected sentences): abbreviations from the seeds must not end a sentence
    (
        "The visitor was there to restore order, but his presence highlighted the protesters’ biggest grievance: "
        "He was Maj. Gen. Qassem Soleimani, head of Iran’s powerful Quds Force. It was not the first time.",
        2,
    ),
    ("He said he had come with a message from his boss in Baghdad, Lt. Gen. Hatem al-Maksusi, then commander. He left.", 2),
    ("Nearly 4,500 U.S. troops were killed, hundreds of thousands of Iraqis died. The U.S. Army published it.", 2),
    ("President George W. Bush had declared Iran to be part of an axis of evil. Iran moved fast.", 2),
    ("Trying to change U.S. foreign policy looks to be near impossible due to the power in Washington D.C. Ask him.", 2),
    ("“Yes, we have a lot of information from Iraq,” he said. “There is a wide gap.”", 2),
]


@pytest.mark.parametrize("text, n", SEED_SENTENCES)
def test_abbreviations_do_not_split_sentences(text, n):
    spans = sentence_spans(text)
    assert len(spans) == n, [text[a:b] for a, b in spans]


def test_sentence_offsets_slice_the_exact_text_everywhere(corpus):
    table = sentences_table(corpus)
    bodies = {d.doc_id: d.body for d in corpus}
    comments = {(d.doc_id, c.comment_id): c.text for d in corpus for c in d.comments}
    assert len(table) > 400
    for row in table.itertuples():
        source = bodies[row.doc_id] if row.part == "body" else comments[(row.doc_id, row.comment_id)]
        assert source[row.start : row.end] == row.text


def test_a_sentence_broken_over_two_lines_is_one_sentence(corpus):
    body = corpus["003_2637237e9277fabb"].body
    spans = sentence_spans(body)
    joined = [body[a:b] for a, b in spans if "they did not calculate that the" in body[a:b]]
    assert len(joined) == 1 and "the fall of the Sunni Baathist regime" in joined[0]


def test_paragraphs_never_share_a_sentence_otherwise(corpus):
    body = corpus["000_f852db828fd11835"].body
    for a, b in sentence_spans(body):
        assert "\n\n" not in body[a:b]


def test_maj_gen_soleimani_stays_in_one_sentence(corpus):
    body = corpus["001_9e368b0eaaa11057"].body
    sentences = [body[a:b] for a, b in sentence_spans(body)]
    hits = [s for s in sentences if "Qassem Soleimani" in s]
    assert hits and hits[0].startswith("The visitor was there to restore order") and "Maj. Gen. Qassem Soleimani" in hits[0]


@pytest.mark.parametrize(
    "data, encoding, expected",
    [
        ("Tehran’s “special relationship”\r\n".encode("cp1252"), "cp1252", "Tehran’s “special relationship”\n"),
        ("Café in Baghdad, naïve façade\n".encode("latin-1"), "latin-1", "Café in Baghdad, naïve façade\n"),
        ("\ufeffIran’s grip\r\non Iraq".encode("utf-8"), "utf-8", "Iran’s grip\non Iraq"),
        ("Iran’s grip\r\non Iraq\rand more".encode("utf-16"), "utf-16", "Iran’s grip\non Iraq\nand more"),
        ("Soleimani".encode("utf-8"), "utf-8", "Soleimani"),
    ],
)
def test_decoding_records_the_encoding(data, encoding, expected):
    decoded = decode_bytes(data, name="x.txt")
    assert decoded.encoding == encoding
    assert decoded.text == expected


def test_text_is_nfc():
    decomposed = "Cafe\u0301 Abu\u0308"
    assert decode_bytes(decomposed.encode("utf-8"), name="x.txt").text == unicodedata.normalize("NFC", decomposed)


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty file"),
        (b" \n\t\n", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary file"),
        (bytes(range(0, 32)) * 20 + b"text", "binary file"),
    ],
)
def test_bad_bytes_raise_a_clear_error(data, reason):
    with pytest.raises(CorpusError, match=rf"^bad\.txt: {reason}"):
        decode_bytes(data, name="bad.txt")


def test_words():
    assert words("Tehran’s al-Abadi met U.S. officials") == ["Tehran’s", "al-Abadi", "met", "U", "S", "officials"]
    assert count_words("Eight thousand one hundred and seventy five") == 7


# ---------------------------------------------------------------------------
# The per-process memo the per-document stages share
# ---------------------------------------------------------------------------
from presslens.text import TextMemo, split_sentences, straighten_quotes  # noqa: E402


def test_text_memo_computes_each_text_once_and_forgets_the_oldest_beyond_its_budget():
    calls = []
    memo = TextMemo(lambda t: calls.append(t) or len(t), max_chars=3 * (10 + 64))
    texts = [f"text {i:05d}" for i in range(4)]  # 10 characters each: three fit
    assert [memo(t) for t in texts[:3]] == [10, 10, 10]
    assert memo(texts[0]) == 10 and calls == texts[:3]  # a hit, and texts[0] is now the newest
    memo(texts[3])  # evicts texts[1], the least recently used
    memo(texts[0]), memo(texts[2])
    assert calls == texts[:4]
    memo(texts[1])
    assert calls == [*texts[:4], texts[1]]
    assert memo.hits == 3 and memo.misses == 5


def test_text_memo_does_not_keep_a_text_larger_than_its_budget():
    calls = []
    memo = TextMemo(lambda t: calls.append(t) or t.upper(), max_chars=100)
    big = "x" * 200
    assert memo(big) == big.upper() and memo(big) == big.upper()
    assert len(calls) == 2 and memo._chars == 0


def test_sentence_spans_from_the_memo_equal_a_fresh_split_and_are_the_callers_own(corpus):
    for doc in corpus:
        for text in [doc.body, *(c.text for c in doc.comments)]:
            first = sentence_spans(text)
            first.append((-1, -1))  # a caller changing its list does not change the next caller's
            assert sentence_spans(text) == split_sentences(text)


@pytest.mark.parametrize("text", ["Tehran’s “deal”", "‘quoted’ and ″ and ′prime′", "", "plain 'ascii' \"text\""])
def test_straighten_quotes_is_the_translation_table(text):
    from presslens.text.tokens import _CURLY

    assert straighten_quotes(text) == text.translate(_CURLY)
    assert len(straighten_quotes(text)) == len(text)


def test_punkt_is_imported_without_scipy_and_scipy_still_loads_after():
    """The first sentence split imports NLTK without the SciPy parts it only tries; SciPy imports normally afterwards."""
    script = (
        "import sys\n"
        "from presslens.text.sentences import sentence_spans\n"
        "t = 'Maj. Gen. Soleimani came. He left.'\n"
        "print([t[a:b] for a, b in sentence_spans(t)])\n"
        "print('nltk' in sys.modules, 'scipy.stats' in sys.modules, 'scipy.sparse' in sys.modules)\n"
        "import scipy.stats\n"
        "print(scipy.stats.fisher_exact([[1, 9], [11, 3]]).pvalue < 0.01)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    lines = done.stdout.splitlines()
    assert lines == ["['Maj. Gen. Soleimani came.', 'He left.']", "True False False", "True"]


def test_joined_paragraphs_have_the_spans_a_split_of_the_joined_text_gives(corpus):
    """join_paragraphs remembers the spans of the texts one after the other: exactly what splitting the joined text gives."""
    import random

    from presslens.text import join_paragraphs
    from presslens.text import sentences as S

    pool = [d.body for d in corpus] + [c.text for d in corpus for c in d.comments] + [
        "Short one.", "He said: “Yes.” Then he left.", "a paragraph ending in lower case", "Ends with a comma,",
        "  padded at both ends.  ", "", "\n\nStarts with a break.", "Dr. Smith went. Mr. X came? Yes!", "x" * 5000 + ".",
    ]
    rng = random.Random(7)
    shortcut = 0
    for _ in range(200):
        parts = rng.sample(pool, rng.randint(1, 5))
        S._KNOWN.clear()
        joined = join_paragraphs(parts)
        shortcut += joined in S._KNOWN
        assert joined == "\n\n".join(parts)
        assert sentence_spans(joined) == split_sentences(joined), [p[:40] for p in parts]
    assert 20 < shortcut < 200  # both ways were taken: remembered, and split as any other text
    S._KNOWN.clear()
