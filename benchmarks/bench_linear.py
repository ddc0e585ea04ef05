"""Benchmark: every per-document text stage is linear in its input (issue #19).

Each case of :data:`CASES` builds a realistic hostile input at 1, 4 and 16 times
its base size and times the stage on it from a cold start (the per-process memos
emptied first), in CPU seconds of this process (best of three when under a
second), so other processes on a shared machine do not count. Linear work takes 4x and 16x the time; the case prints both
ratios and the time per unit (number, word, line, name). With ``--e2e`` it also
times ``pipeline.build`` (one process) on a corpus of one file: a 15 MB text
on one line and a 0.4 MB page of 6,000 lower-case lines (``--e2e-scale``
shrinks both, e.g. ``0.0625`` for a quick look).

The cases are a plain registry, ``name -> (generator, function)``:
``generator(k)`` returns ``(input, units)`` for ``k`` times the base size and
``function(input)`` is the timed stage. Another module can add cases and reuse
:func:`run_cases` (e.g. ``benchmarks/bench_linear_threads.py``).

Run: ``.venv/bin/python -m benchmarks.bench_linear [--only NAME ...] [--e2e] [--e2e-scale 1] [--out DIR]``
(also run by ``python -m benchmarks``). Not a test: nothing is asserted; the
figures depend on the machine, which may be shared.
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from presslens.io import write_json

Generator = Callable[[int], tuple[Any, int]]
Case = tuple[Generator, Callable[[Any], Any]]

SCALES = (1, 4, 16)
SEED = 20191118

_LOWER_WORDS = (
    "the council met again on tuesday and nothing was decided about the water pipes or the road near the old mill "
    "while residents said they would wait for the next meeting in spring because the budget was not ready yet and "
    "the mayor was away visiting family in the north so the clerk read the minutes aloud to a half empty hall"
).split()


def _seed_sentences() -> list[str]:
    """The seeds' body and comment sentences, whitespace collapsed (the realistic material of the cases)."""
    from presslens.corpus import load_corpus
    from presslens.paths import seeds_dir
    from presslens.text import sentence_spans

    out = []
    for doc in load_corpus(seeds_dir()):
        for text in [doc.body, *(c.text for c in doc.comments)]:
            out.extend(" ".join(text[a:b].split()) for a, b in sentence_spans(text))
    return [s for s in out if len(s.split()) >= 3]


_SENTENCES: list[str] = []


def seed_sentences() -> list[str]:
    if not _SENTENCES:
        _SENTENCES.extend(_seed_sentences())
    return _SENTENCES


# --- generators: (input, units) for k times the base size -----------------------------------------------------------


def numbers_in_one_sentence(k: int) -> tuple[str, int]:
    """One sentence of ``200 k`` stated figures joined by commas (a listing pasted as one sentence)."""
    rng = random.Random(SEED)
    clauses = []
    for _ in range(200 * k):
        n = rng.randint(2, 90_000)
        template = rng.choice(("at least {n:,} civilians were killed in Mosul", "nearly {n:,} were wounded",
                               "some {n:,} people were displaced", "{n:,} soldiers died", "an estimated ${n} million was spent"))
        clauses.append(template.format(n=n))
    return "Officials said " + ", ".join(clauses) + ".", 200 * k


def number_words_run(k: int) -> tuple[str, int]:
    """A sentence holding one run of ``500 k`` number words ("eight thousand one hundred and seventy five three ...")."""
    rng = random.Random(SEED)
    words = ["one", "two", "three", "seven", "eight", "twenty", "forty", "hundred", "thousand", "and", "million", "five"]
    run = [rng.choice(words) for _ in range(500 * k)]
    return "They counted " + " ".join(run) + " bodies.", 500 * k


def lowercase_lines(k: int) -> tuple[str, int]:
    """``6,000 k`` lower-case lines (the 0.4 MB page at k = 1) of ~65 characters, no capitals, no full stops (a pasted chat log or OCR dump)."""
    rng = random.Random(SEED)
    lines = [" ".join(rng.choice(_LOWER_WORDS) for _ in range(13)) for _ in range(6000 * k)]
    return "\n".join(lines) + "\n", 6000 * k


def lowercase_paragraphs(k: int) -> tuple[str, int]:
    """As :func:`lowercase_lines`, with a blank line between lines: every paragraph ends mid-sentence and joins the next."""
    text, units = lowercase_lines(k)
    return text.replace("\n", "\n\n"), units


def vader_long_text(k: int) -> tuple[str, int]:
    """One text (a comment) of about ``2,000 k`` words: seed sentences in a fixed shuffled order."""
    rng = random.Random(SEED)
    pool = seed_sentences()
    out, words = [], 0
    while words < 2000 * k:
        s = rng.choice(pool)
        out.append(s)
        words += len(s.split())
    return " ".join(out), words


_GIVEN = ("Ahmad", "Hassan", "Ali", "Mohammed", "Qassem", "Tony", "George", "Hadi", "Nouri", "Ibrahim", "Mahdi", "Haider",
          "Fatima", "Zainab", "Omar", "Yusuf", "Karim", "Samir", "Walid", "Jamal", "Laila", "Nadia", "Rami", "Tariq", "Bashir",
          "Saddam", "Jalal", "Masoud", "Ayad", "Adil", "Hoshyar", "Falah", "Salim", "Majid", "Khalid", "Mustafa", "Abbas",
          "Hamid", "Rafi", "Sabah")
_SYLLABLES = ("ba", "ka", "da", "ri", "mo", "su", "le", "ni", "ta", "za", "ha", "fi", "ra", "qa", "wa", "lu", "mi", "do", "je",
              "sa", "kor", "bel", "tan", "mur", "gha", "shi", "yen", "dal", "vor", "pet")


def _names(n: int, rng: random.Random) -> list[str]:
    """``n`` distinct person names: a given name and a surname of 2-4 random syllables ("Hadi Kormuzata")."""
    names: set[str] = set()
    out = []
    while len(out) < n:
        name = f"{rng.choice(_GIVEN)} {''.join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()}"
        if name not in names:
            names.add(name)
            out.append(name)
    return out


def names_corpus(k: int) -> tuple[Path, int]:
    """A corpus folder (no ``entities.yml``) naming ``400 k`` distinct people, each twice, in documents of 200 sentences."""
    n = 400 * k
    rng = random.Random(SEED)
    names = _names(n, rng)
    mentions = names + names
    rng.shuffle(mentions)
    folder = Path(tempfile.mkdtemp(prefix=f"bench_linear_names{k}_"))
    verbs = ("met", "criticised", "praised", "spoke with", "was seen with")
    per_doc = 200
    for d, first in enumerate(range(0, len(mentions), per_doc)):
        chunk = mentions[first : first + per_doc]
        body = " ".join(f"On the same day {a} {rng.choice(verbs)} officials in the capital." for a in chunk)
        (folder / f"doc{d:04d}.txt").write_text(f"Report {d}\n\n{body}\n", encoding="utf-8")
    return folder, n


# --- timed functions -------------------------------------------------------------------------------------------------


def _read_numbers(text: str):
    from presslens.figures import read_numbers

    return len(read_numbers(text))


def _split_sentences(text: str):
    from presslens.text import split_sentences

    return len(split_sentences(text))


def _vader(text: str):
    from presslens.text import scores

    return scores(text)["compound"]


def _provisional(folder: Path):
    """Discovery and the provisional codebook made of it, and its matcher over the corpus (what notebook 03 does)."""
    from presslens.corpus import load_corpus
    from presslens.entities import provisional as P

    corpus = load_corpus(folder)
    P._MEMO.clear()
    book = P.provisional_codebook(corpus)
    return sum(len(book.matcher.hits(doc.body)) for doc in corpus)


#: name -> (generator, function): the hot spots of issue #19 part E (extend it to add a case)
CASES: dict[str, Case] = {
    "numbers_in_one_sentence": (numbers_in_one_sentence, _read_numbers),
    "number_words_run": (number_words_run, _read_numbers),
    "lowercase_lines": (lowercase_lines, _split_sentences),
    "lowercase_paragraphs": (lowercase_paragraphs, _split_sentences),
    "vader_long_text": (vader_long_text, _vader),
    "name_discovery": (names_corpus, _provisional),
}


def time_case(generator: Generator, function: Callable[[Any], Any], *, scales=SCALES, limit: float = 120.0) -> dict:
    """CPU seconds of ``function`` on ``generator(k)`` for each scale (cold memos), the ratios to the first and time per unit.

    A scale is skipped (``None``) once the previous one took more than ``limit`` / 16 of the limit's worth,
    so a quadratic case measured before its fix does not run for hours.
    """
    from presslens.text import clear_memos

    seconds: dict[int, float | None] = {}
    units: dict[int, int] = {}
    previous = 0.0
    for k in scales:
        if previous * (k / (scales[scales.index(k) - 1])) ** 2 > limit:
            seconds[k] = None
            continue
        data, n = generator(k)
        best = float("inf")
        for _ in range(3):  # best of three when quick: the machine is shared
            clear_memos()
            c0 = time.process_time()
            function(data)
            best = min(best, time.process_time() - c0)
            if best > 1.0:
                break
        seconds[k] = previous = best
        units[k] = n
    base = seconds[scales[0]] or float("nan")
    out = {"units": units, "seconds": {k: (round(v, 4) if v is not None else None) for k, v in seconds.items()}}
    for k in scales[1:]:
        out[f"ratio_{k}x"] = round(seconds[k] / base, 1) if seconds[k] is not None else None
    largest = max((k for k in scales if seconds[k] is not None), default=scales[0])
    out["us_per_unit"] = round(1e6 * seconds[largest] / units[largest], 2) if seconds[largest] else None
    return out


def warm_up() -> None:
    """Load NLTK's Punkt, VADER's lexicon, the gazetteers and the figure patterns once, so no case times a load."""
    from presslens.entities.gazetteer import place_evidence
    from presslens.figures import read_numbers
    from presslens.text import analyzer, clear_memos, sentence_splitter

    sentence_splitter()
    analyzer()
    place_evidence("Qwzx Baghdad")  # a miss: every gazetteer is loaded
    read_numbers("At least 5 people were killed in 2014.")
    clear_memos()


def run_cases(cases: dict[str, Case], only: list[str], *, limit: float) -> dict[str, dict]:
    """Time every case of ``cases`` (or those in ``only``) and print one line each."""
    warm_up()
    results = {}
    print(f"{'case':<26} {'units (1x)':>10} {'1x s':>9} {'4x s':>9} {'16x s':>9} {'4x/1x':>6} {'16x/1x':>7} {'us/unit':>9}")
    for name, (generator, function) in cases.items():
        if only and name not in only:
            continue
        r = results[name] = time_case(generator, function, limit=limit)
        s = r["seconds"]

        def fmt(v, width, spec):
            return f"{'-':>{width}}" if v is None else f"{v:>{width}{spec}}"

        print(f"{name:<26} {r['units'][1]:>10,} {fmt(s[1], 9, '.3f')} {fmt(s[4], 9, '.3f')} {fmt(s[16], 9, '.3f')} "
              f"{fmt(r['ratio_4x'], 6, '.1f')} {fmt(r['ratio_16x'], 7, '.1f')} {fmt(r['us_per_unit'], 9, '.2f')}", flush=True)
    return results


def one_line_file(scale: float) -> str:
    """~15 MB of seed sentences on one line (no newline at all), times ``scale``."""
    rng = random.Random(SEED)
    pool = seed_sentences()
    target = int(15_000_000 * scale)
    out, size = [], 0
    while size < target:
        s = rng.choice(pool)
        out.append(s)
        size += len(s) + 1
    return "Title of a one-line page " + " ".join(out)


def lowercase_page(scale: float) -> str:
    """A 0.4 MB page: a title, then ``6,000 x scale`` lower-case lines."""
    text, _ = lowercase_lines(1)
    lines = text.splitlines()
    rng = random.Random(SEED)
    n = max(1, int(6000 * scale))
    body = "\n".join(rng.choice(lines) for _ in range(n))
    return "A page of lower-case lines\n\n" + body + "\n"


def end_to_end(scale: float) -> dict[str, dict]:
    """``pipeline.build`` (one process, no cache) on a corpus of just one hostile file, in seconds and MB/s."""
    from presslens import pipeline

    out = {}
    for name, text in (("one_line_15mb", one_line_file(scale)), ("lowercase_page_6000_lines", lowercase_page(scale))):
        with tempfile.TemporaryDirectory(prefix="bench_linear_e2e_") as tmp:
            corpus = Path(tmp) / "corpus"
            corpus.mkdir()
            (corpus / "page.txt").write_text(text, encoding="utf-8")
            t0 = time.perf_counter()
            pipeline.build(corpus, Path(tmp) / "data", jobs=1)
            seconds = time.perf_counter() - t0
        mb = len(text.encode("utf-8")) / 1e6
        out[name] = {"megabytes": round(mb, 3), "seconds": round(seconds, 2), "mb_per_second": round(mb / seconds, 3)}
        print(f"end to end {name:<28} {mb:8.2f} MB  {seconds:8.1f} s  {mb / seconds:7.3f} MB/s", flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", default=[], help=f"cases to run (of {', '.join(CASES)})")
    parser.add_argument("--limit", type=float, default=120.0, help="skip a scale expected to take longer than this (s)")
    parser.add_argument("--e2e", action="store_true", help="also time pipeline.build on the 15 MB one-line file and the 6,000-line page")
    parser.add_argument("--e2e-scale", type=float, default=1.0, help="size of the end-to-end files (1 = 15 MB and 6,000 lines)")
    parser.add_argument("--out", type=Path, default=None, help="folder to write bench_linear.json into")
    args = parser.parse_args(argv)
    import logging

    logging.disable(logging.WARNING)
    result: dict[str, Any] = {"python": platform.python_version(), "cases": run_cases(CASES, args.only, limit=args.limit)}
    if args.e2e:
        result["end_to_end"] = end_to_end(args.e2e_scale)
    if args.out:
        write_json(result, args.out / "bench_linear.json", sort_keys=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
