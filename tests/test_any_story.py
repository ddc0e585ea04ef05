"""Every notebook runs to the end on any corpus, and tells that corpus's story only.

A matrix of small corpora made from real text: the seeds' documents taken alone or
cut up, and real news texts from ``../shared/corpora/news-figures-dev`` (read in
place at test time, never copied into the project; those corpora are skipped when
the folder is absent). Each corpus goes through one ``presslens run`` of all five
notebooks; every notebook must finish (status ``ok`` in ``run.json``), and neither
the executed notebooks nor the HTML reports may name what only the seeds name (their
commenters, outlets, authors, titles, codebook actors, "Iran Cables") unless the
corpus's own text does.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
# ``../shared/corpora`` beside the project (searched upwards, so a git worktree below the project finds it too)
DEV = next((p / "shared" / "corpora" / "news-figures-dev" for p in ROOT.parents if (p / "shared" / "corpora").is_dir()),
           ROOT.parent / "shared" / "corpora" / "news-figures-dev")
NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

# Types of codebook entries whose names belong to the seeds' story; places (countries,
# cities) are common to many stories and to plotly.js's own data, so they are not used.
STORY_TYPES = {"person", "organisation", "group", "event"}


# ---- the seeds' own names, from the seeds' data ---------------------------------------------------


@lru_cache(maxsize=1)
def seed_names() -> tuple[str, ...]:
    """Names only the seeds' story has: commenters, outlets, authors, titles, codebook actors."""
    from presslens.corpus import load_corpus

    names = {"Iran Cables"}
    for doc in load_corpus(SEEDS):
        names.update(c.author for c in doc.comments)
        for field in ("outlet", "author", "title", "original_outlet"):
            names.add(doc.source.get(field).value or "")
    book = yaml.safe_load((SEEDS / "entities.yml").read_text(encoding="utf-8"))
    for entry in book["entities"]:
        if entry.get("type") in STORY_TYPES:
            names.add(entry["name"])
            names.update(entry.get("aliases") or [])
    return tuple(sorted(n.strip() for n in names if n and len(n.strip()) >= 4))


def _pattern(name: str) -> re.Pattern:
    """The name as a whole phrase, any run of spaces (no-break ones too) between its words."""
    return re.compile(r"(?<![\w])" + r"\s+".join(map(re.escape, name.split())) + r"(?![\w])")


def forbidden_names(corpus: Path) -> list[str]:
    """The seeds' names that the corpus's own documents do not contain (a codebook beside them does not count)."""
    docs = sorted(p for p in corpus.iterdir() if p.is_file() and p.suffix.lower() in {".txt", ".html", ".htm"})
    text = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in docs)
    book = corpus / "entities.yml"
    if book.is_file():  # the corpus's own codebook names its entities, whether or not the text does
        entries = yaml.safe_load(book.read_text(encoding="utf-8"))["entities"]
        text += "\n" + "\n".join(n for e in entries for n in [e["name"], *(e.get("aliases") or []), *(e.get("short") or [])])
    return [n for n in seed_names() if not _pattern(n).search(text)]


_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script>", re.S | re.I)


def report_text(path: Path) -> str:
    """A report's HTML without plotly.js itself (whose data names countries); chart specs stay."""
    html = path.read_text(encoding="utf-8", errors="replace")
    return _SCRIPT.sub(lambda m: m.group(0) if "newPlot" in m.group(1) and len(m.group(1)) < 2_000_000 else "", html)


def notebook_text(path: Path) -> str:
    """Markdown, outputs (text, HTML, plotly JSON) of an executed notebook; code cells are not prose."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    parts = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            parts.append("".join(cell["source"]))
        for out in cell.get("outputs", []):
            parts.append(json.dumps(out, ensure_ascii=False))
    return "\n".join(parts)


# ---- the corpora --------------------------------------------------------------------------------


def _dev(number: str) -> Path:
    if not DEV.is_dir():
        pytest.skip(f"{DEV} is absent")
    return next(DEV.glob(f"{number}_*.txt"))


def _paragraphs(path: Path) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")) if p.strip()]


def _write(folder: Path, name: str, paragraphs: list[str]) -> None:
    (folder / name).write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")


_NUMBERISH = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|dozens?|hundreds?|thousands?|millions?|billions?)\b", re.I
)


def one_document(folder: Path) -> None:
    """One real news report, nothing beside it: no metadata, no codebook, no comments."""
    shutil.copy(_dev("21"), folder)


def two_unrelated(folder: Path) -> None:
    """Two news stories that share no text and state no dates."""
    shutil.copy(_dev("02"), folder)
    shutil.copy(_dev("05"), folder)


def copies_of_one_story(folder: Path) -> None:
    """Every document is a copy of one story: the whole text, a copy without its second paragraph, the opening only."""
    paras = _paragraphs(_dev("08"))
    _write(folder, "full.txt", paras)
    _write(folder, "condensed.txt", paras[:1] + paras[2:])
    _write(folder, "opening.txt", paras[:2])


def no_figures(folder: Path) -> None:
    """Real sentences with no number in them at all: nothing for the figures notebook."""
    for number in ("06", "13"):
        paras = _paragraphs(_dev(number))
        kept = [" ".join(s for s in re.split(r"(?<=[.!?\"])\s+", p) if not _NUMBERISH.search(s)) for p in paras[1:]]
        _write(folder, f"{number}_no_numbers.txt", paras[:1] + [p for p in kept if p])


def seed_alone(folder: Path) -> None:
    """The seeds' op-ed with its comment section, without sources.yml or entities.yml."""
    shutil.copy(SEEDS / "000_f852db828fd11835.txt", folder)


def seed_cut_up(folder: Path) -> None:
    """The seeds' forum thread cut in two pages, with the seeds' codebook but no metadata."""
    lines = (SEEDS / "003_2637237e9277fabb.txt").read_text(encoding="utf-8").splitlines()
    half = len(lines) // 2
    (folder / "first_half.txt").write_text("\n".join(lines[:half]) + "\n", encoding="utf-8")
    (folder / "second_half.txt").write_text("\n".join(lines[half:]) + "\n", encoding="utf-8")
    shutil.copy(SEEDS / "entities.yml", folder)


CORPORA = {f.__name__: f for f in (one_document, two_unrelated, copies_of_one_story, no_figures, seed_alone, seed_cut_up)}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CORPORA))
def test_every_notebook_tells_this_corpus_only(name: str, tmp_path: Path) -> None:
    corpus, out = tmp_path / name, tmp_path / "out"
    corpus.mkdir()
    CORPORA[name](corpus)
    if name == "no_figures":
        from presslens.corpus import load_corpus
        from presslens.figures import figures_table

        loaded = load_corpus(corpus)
        assert len(loaded) == 2 and figures_table(loaded).empty, "the no_figures corpus should be two documents stating no figure"
    done = subprocess.run(
        [sys.executable, "-m", "presslens.cli", "run", "--corpus", str(corpus), "--out", str(out), "--no-progress", "--jobs", "1"],
        capture_output=True, text=True, cwd=ROOT, timeout=900,
    )
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    status = {nb["name"]: (nb["status"], nb["error"]) for nb in run["notebooks"]}
    assert sorted(status) == NOTEBOOKS
    failed = {k: v for k, v in status.items() if v[0] != "ok"}
    assert not failed, f"{name}: {failed}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    assert done.returncode == 0, done.stderr[-2000:]

    forbidden = {n: _pattern(n) for n in forbidden_names(corpus)}
    leaks = {}
    for nb in NOTEBOOKS:
        for path in (out / "notebooks" / f"{nb}.ipynb", out / "reports" / f"{nb}.html"):
            text = notebook_text(path) if path.suffix == ".ipynb" else report_text(path)
            found = [n for n, p in forbidden.items() if p.search(text)]
            if found:
                leaks[path.name] = found
    assert not leaks, f"{name}: seed-only names in the outputs: {leaks}"


def test_seed_names_come_from_the_seeds() -> None:
    names = seed_names()
    assert "Iran Cables" in names and "Qassem Soleimani" in names
    from presslens.corpus import load_corpus

    assert {c.author for doc in load_corpus(SEEDS) for c in doc.comments} & set(names)


def test_every_parameter_carries_its_type_and_help() -> None:
    """papermill --help-notebook prints a type for each parameter (``name: int = 20  # help``), not "Unknown type"."""
    import papermill

    untyped = {
        (nb, name): info for nb in NOTEBOOKS
        for name, info in papermill.inspect_notebook(str(ROOT / "notebooks" / f"{nb}.ipynb")).items()
        if info["inferred_type_name"] in (None, "None") or not info["help"]
    }
    assert not untyped


def test_notes_beside_a_corpus_are_shown_escaped(tmp_path: Path) -> None:
    from presslens.display import corpus_notes

    assert corpus_notes(tmp_path, "02_commentary_sentiment") is None
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "02_commentary_sentiment.md").write_text("**Bold** <script>alert(1)</script> & more", encoding="utf-8")
    shown = corpus_notes(tmp_path, "02_commentary_sentiment").data
    assert "**Bold**" in shown and "<script>" not in shown and "&lt;script>" in shown and "&amp; more" in shown
    assert corpus_notes(SEEDS, "02_commentary_sentiment") is not None


def test_a_figure_of_zero_does_not_break_the_charts(corpus) -> None:
    """ "No one was killed" states 0, which has no logarithm: the grid leaves it uncoloured instead of raising."""
    from presslens import figures as fg

    figures = fg.figures_table(corpus)
    zero = figures.assign(low=[0.0] + list(figures["low"][1:]), high=[0.0] + list(figures["high"][1:]))
    fg.who_says_what_chart(zero, source="test")
    fg.figures_chart(zero, kinds=("deaths", "wounded", "displaced"), source="test")


def test_no_codebook_no_entities_of_another_story(tmp_path: Path) -> None:
    """Without entities.yml, entity sentiment scores the names found in this corpus, marked provisional, and says
    so; the seeds' default terms never stand in."""
    from presslens import sentiment as S
    from presslens.corpus import load_corpus

    shutil.copy(SEEDS / "000_f852db828fd11835.txt", tmp_path)  # the op-ed names Iran, Iraq, the CIA...
    corpus = load_corpus(tmp_path)
    mentions, how = S.targeted_mentions(corpus)
    assert len(mentions) and mentions["provisional"].all() and "provisional" in how and "no codebook" in how
    doc = corpus["000_f852db828fd11835"]
    texts = {"": doc.body, **{c.comment_id: c.text for c in doc.comments}}
    assert all(texts[row.comment_id if isinstance(row.comment_id, str) else ""][row.start:row.end] == row.surface
               for row in mentions.itertuples())  # every mention is a name written in this document
    scored = S.entity_sentiment_table(corpus)
    assert set(scored["entity"]) <= set(mentions["entity"])
    given, how = S.targeted_mentions(corpus, terms=["Iran"])
    assert set(given["entity"]) == {"Iran"} and "1 terms given" in how
    shutil.copy(SEEDS / "entities.yml", tmp_path)
    mentions, how = S.targeted_mentions(load_corpus(tmp_path))
    assert len(mentions) and "codebook entities.yml" in how
