"""The gold of the web pages (news-figures-pages): every entry is found, every number is covered, the split holds.

The pages are short real texts from other outlets, kept outside the project in the team's own
development corpora (beside ../shared), ``../corpora-local/news-figures-pages/`` (its INDEX.md names each source); they are
read in place and never copied into the project, and these tests skip when the folder is absent.
Odd-numbered pages are annotated in tests/data/figures_news/pages_dev.yml, even-numbered ones in
pages_eval.yml. These tests only check the gold files against the ingested bodies (they never run the
figure extractor), so a change to ingestion that moves text in or out of a body shows up here as an
entry not found or a number not covered.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchmarks.corpora import corpus_folder
from corpora_support import load_pages_gold
from presslens.figures import load_gold, uncovered_numbers
from presslens.ingest.corpus import load_corpus

ROOT = Path(__file__).resolve().parents[1]
NEWS = ROOT / "tests" / "data" / "figures_news"
# the team-collected set in ../corpora-local beside the project (benchmarks.corpora: searched upwards, PRESSLENS_CORPORA first)
PAGES = corpus_folder("news-figures-pages")
pytestmark = pytest.mark.skipif(not PAGES.is_dir(), reason=f"development corpus {PAGES} is absent")


@pytest.fixture(scope="module")
def pages():
    return load_corpus(PAGES)


def test_every_page_is_read_and_the_index_is_not_a_document(pages):
    files = sorted(p.name for p in PAGES.glob("*.txt"))
    assert pages.rejected == []
    assert sorted(d.file for d in pages) == files
    assert "INDEX" not in {d.doc_id for d in pages}
    assert all(re.match(r"\d\d_", d.doc_id) for d in pages)


@pytest.mark.parametrize("part, parity", [("dev", 1), ("eval", 0)])
def test_pages_gold_covers_every_number_of_its_half(pages, part, parity):
    gold = load_pages_gold(NEWS / f"pages_{part}.yml", pages)
    docs = [d for d in pages if int(d.doc_id[:2]) % 2 == parity]
    assert set(gold.doc_ids) == {d.doc_id for d in docs}  # every page of the half is annotated, none of the other half
    uncovered = uncovered_numbers(gold, pages)  # the regex of test_figures.py::test_gold_covers_every_number_in_the_seeds
    assert uncovered.empty, uncovered.to_string()
    assert set(gold.figures["kind"]) == {"deaths", "wounded", "displaced", "cost"}
    assert gold.traps["reason"].str.len().min() > 0



#: further pages of other outlets, every page a development page, each set annotated after the rules of the one before
MORE_PAGES = [(corpus_folder("news-figures-pages2"), "pages2_dev.yml"), (corpus_folder("news-figures-pages3"), "pages3_dev.yml"),
              (corpus_folder("news-figures-pages5"), "pages5_dev.yml"), (corpus_folder("news-figures-pages6"), "pages6_dev.yml")]


@pytest.mark.parametrize("folder, gold_file", MORE_PAGES, ids=[g for _, g in MORE_PAGES])
def test_the_further_pages_gold_covers_every_number_of_every_page(folder, gold_file):
    if not folder.is_dir():
        pytest.skip(f"development corpus {folder} is absent")
    corpus = load_corpus(folder)
    assert corpus.rejected == [] and len(corpus) == len(list(folder.glob("*.txt")))
    gold = load_gold(NEWS / gold_file, corpus)
    assert set(gold.doc_ids) == {d.doc_id for d in corpus}
    uncovered = uncovered_numbers(gold, corpus)
    assert uncovered.empty, uncovered.to_string()
    assert set(gold.figures["kind"]) <= {"deaths", "wounded", "displaced", "cost"} and "cost" in set(gold.figures["kind"])
