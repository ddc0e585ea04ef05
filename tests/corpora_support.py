"""Where the shared development corpora are: ``PRESSLENS_CORPORA``, else ``../shared/corpora`` beside the project
(searched upwards, so a git worktree below the project finds it too). Tests read them in place and skip without them."""

from __future__ import annotations

from pathlib import Path

from benchmarks.corpora import corpus_folder

ROOT = Path(__file__).resolve().parents[1]


def corpora_dir() -> Path:
    """The shared corpora folder (it may not exist: callers skip then)."""
    from benchmarks.corpora import corpora_dir as found

    return found()


#: the 40 real news texts of issue #16 (odd numbers: development part, even: evaluation part)
NEWS_DEV = corpora_dir() / "news-figures-dev"
#: the public web pages of issue #16's figure gold (same split by their two-digit number)
NEWS_PAGES = corpus_folder("news-figures-pages")  # collected by the team: ../corpora-local (benchmarks.corpora)


#: the pages are copies recollected from the search tool's stored pages (the first collection was lost, and the second):
#: a page that could not be found again is absent, its gold entries skipped, no more (02, the WikiMili table, in the
#: second collection; 18, a Storm2k forum thread, in the third, 2026-12-03)
MAX_MISSING_PAGES = 1


def load_pages_gold(path, corpus):
    """``load_gold`` of a gold file of news-figures-pages: entries of pages absent from the folder are skipped,
    and at most ``MAX_MISSING_PAGES`` pages of the file may be absent (a folder missing more fails)."""
    import yaml

    from presslens.figures import load_gold

    named = {e.get("doc") for k in ("figures", "traps") for e in (yaml.safe_load(Path(path).read_text(encoding="utf-8")).get(k) or [])
             if isinstance(e, dict)}
    missing = sorted(named - {d.doc_id for d in corpus})
    assert len(missing) <= MAX_MISSING_PAGES, f"{path}: pages absent from {NEWS_PAGES}: {missing}"
    return load_gold(path, corpus, skip_missing_documents=bool(missing))
