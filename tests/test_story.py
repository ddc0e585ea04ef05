"""A story folder of one's own (presslens.story, ``presslens init`` and ``presslens check``) and the short form of sources.yml.

Real text only: the seeds' pages copied to a temporary folder without their YAML
files, plus, when the shared development corpora are present, two saved HTML pages
of ``comment-pages-dev`` copied in at test time (never committed).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from presslens.cli import main
from presslens.entities import load_codebook
from presslens.errors import MetadataError
from presslens.ingest import load_corpus
from presslens.ingest.metadata import SHORT_FORM_EVIDENCE, load_sources, read_sources
from presslens.story import PROPOSED_MARK, check_story, init_story

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


def _comment_pages() -> Path | None:
    for base in (os.environ.get("PRESSLENS_CORPORA"), ROOT.parent / "shared" / "corpora", "/work/shared/corpora"):
        if base and (Path(base) / "comment-pages-dev").is_dir():
            return Path(base) / "comment-pages-dev"
    return None


PAGES = _comment_pages()
HTML_PAGES = ("californiaglobe.com.amazon.html", "de.creativecommons.org.endlich.html")


def _pages_folder(target: Path) -> Path:
    """The seeds' pages (not their sources.yml nor entities.yml), and two real HTML pages when present."""
    target.mkdir(parents=True, exist_ok=True)
    for page in sorted(SEEDS.glob("*.txt")):
        shutil.copy(page, target / page.name)
    if PAGES is not None:
        for name in HTML_PAGES:
            if (PAGES / name).is_file():
                shutil.copy(PAGES / name, target / name)
    return target


@pytest.fixture(scope="module")
def story(tmp_path_factory) -> Path:
    """A folder of pages after ``presslens init`` (run once for the module: discovery takes seconds)."""
    folder = _pages_folder(tmp_path_factory.mktemp("story") / "pages")
    assert main(["init", str(folder)]) == 0
    return folder


@pytest.fixture()
def story_copy(story: Path, tmp_path: Path) -> Path:
    target = tmp_path / "story"
    shutil.copytree(story, target)
    return target


# ---------------------------------------------------------------------------
# the short form of sources.yml
# ---------------------------------------------------------------------------


def test_the_short_form_is_the_analysts_word(tmp_path):
    (tmp_path / "sources.yml").write_text(
        "documents:\n"
        "  000_f852db828fd11835:\n"
        "    outlet: The Burning Platform\n"
        "    published: 2019-11-30\n"
        "    genre: op-ed\n"
        "    author:\n"
        "    original_outlet: {value: Strategic Culture Foundation, basis: stated, evidence: line 35}\n",
        encoding="utf-8",
    )
    entry = load_sources(tmp_path)["000_f852db828fd11835"]
    outlet = entry.get("outlet")
    assert (outlet.value, outlet.basis, outlet.evidence) == ("The Burning Platform", "stated", SHORT_FORM_EVIDENCE)
    assert entry.get("published").value == "2019-11-30" and entry.get("genre").value == "op-ed"
    assert entry.get("author").basis == "unknown" and entry.get("author").value == ""
    assert entry.get("original_outlet").evidence == "line 35"  # the full form beside the short one


def test_the_short_form_reaches_the_documents(tmp_path):
    shutil.copy(SEEDS / "002_66a252709c82cb38.txt", tmp_path / "002_66a252709c82cb38.txt")
    (tmp_path / "sources.yml").write_text("documents:\n  002_66a252709c82cb38:\n    outlet: Antiwar.com\n", encoding="utf-8")
    doc = load_corpus(tmp_path)["002_66a252709c82cb38"]
    assert doc.meta("outlet").value == "Antiwar.com" and doc.meta("outlet").basis == "stated"
    assert doc.label.endswith("Antiwar.com")


@pytest.mark.parametrize(
    "yaml_text, message",
    [
        ("documents:\n  a:\n    outlet: [Reuters, AP]\n", r"sources.yml, line 2, document 'a', field 'outlet': expected a plain value .* a list"),
        ("documents:\n  a:\n    outlet: true\n", r"line 2, document 'a', field 'outlet': .*booleans: quote it"),
        ("documents:\n  a:\n    published: 30 November 2019\n", r"line 2, document 'a', field 'published': published must be an ISO 8601 date"),
        ("documents:\n  a:\n    genre: blog\n", r"field 'genre': genre must be one of"),
        ("documents:\n  a:\n    title: {value: X, basis: stated, evidance: line 1}\n", r"field 'title': unknown key\(s\) \['evidance'\]"),
    ],
)
def test_a_malformed_short_form_names_file_line_and_problem(tmp_path, yaml_text, message):
    (tmp_path / "sources.yml").write_text(yaml_text, encoding="utf-8")
    with pytest.raises(MetadataError, match=message):
        load_sources(tmp_path)


def test_read_sources_lists_every_broken_entry_and_keeps_the_others(tmp_path):
    (tmp_path / "sources.yml").write_text(
        "documents:\n  a:\n    genre: blog\n  b:\n    outlet: Reuters\n  c:\n    colour: red\n", encoding="utf-8"
    )
    entries, problems = read_sources(tmp_path)
    assert list(entries) == ["b"]
    assert [str(p).split(", ")[1:3] for p in problems] == [["line 2", "document 'a'"], ["line 6", "document 'c': unknown field(s) ['colour']; expected ['outlet'"]]


# ---------------------------------------------------------------------------
# presslens init
# ---------------------------------------------------------------------------


def test_init_prefills_sources_yml_from_what_the_pages_state(story):
    text = (story / "sources.yml").read_text(encoding="utf-8")
    entries = load_sources(story)  # what init writes fits the schema
    assert set(entries) == {p.stem for p in story.iterdir() if p.suffix in (".txt", ".html")}
    title = entries["002_66a252709c82cb38"].get("title")
    assert (title.value, title.basis, title.evidence) == ("Leaked Documents Reveal Extent of Iran’s Grip on Iraq", "stated", "headline on the page")
    assert "outlet" not in entries["002_66a252709c82cb38"].fields  # unknown: left out, as a comment to fill in
    assert "    # outlet:" in text and "# genre:" in text and "one of news, op-ed, forum post, reprint" in text
    pages = load_corpus(story)
    for doc in pages:
        for name in ("title", "outlet", "published", "url", "language"):
            assert doc.meta(name).value == entries[doc.doc_id].get(name).value or not entries[doc.doc_id].get(name).value


@pytest.mark.skipif(PAGES is None, reason="shared corpora folder comment-pages-dev is absent")
def test_init_writes_an_html_pages_metadata_with_its_evidence(story):
    globe = load_sources(story)["californiaglobe.com.amazon"]
    outlet = globe.get("outlet")
    assert (outlet.value, outlet.basis, outlet.evidence) == ("California Globe", "stated", "og:site_name")
    assert globe.get("published").value == "2020-08-14" and globe.get("published").evidence == "json-ld:datePublished"
    cc = load_sources(story)["de.creativecommons.org.endlich"]
    assert cc.get("url").evidence == "link:canonical" and cc.get("language").evidence == "html:lang"
    assert cc.get("published").value == "2014-03-20"
    text = (story / "sources.yml").read_text(encoding="utf-8")
    assert "# HTML page; " in text and " comments; layout wordpress" in text


def test_init_proposes_entities_from_discovery(story):
    text = (story / "entities.yml").read_text(encoding="utf-8")
    book = load_codebook(story / "entities.yml")
    names = [e.name for e in book]
    assert 5 <= len(book) <= 30
    assert "Saddam Hussein" in names and "CIA" in names
    assert book["CIA"].type == "organisation"
    marked = [line for line in text.splitlines() if line.lstrip().startswith("- name:")]
    assert len(marked) == len(book) and all(line.endswith(PROPOSED_MARK) for line in marked)
    assert "PROPOSED ENTRIES" in text
    assert all(e.note.startswith("discovered: ") and "type guessed from" in e.note for e in book)


def test_init_never_overwrites_without_force(story_copy, capsys):
    (story_copy / "sources.yml").write_text("documents:\n  002_66a252709c82cb38:\n    outlet: Antiwar.com\n", encoding="utf-8")
    before = (story_copy / "entities.yml").read_text(encoding="utf-8")
    assert main(["init", str(story_copy), "--entities", "3"]) == 0
    out = capsys.readouterr().out
    assert out.count("kept") >= 2 and "--force" in out
    assert "outlet: Antiwar.com" in (story_copy / "sources.yml").read_text(encoding="utf-8")
    assert (story_copy / "entities.yml").read_text(encoding="utf-8") == before
    result = init_story(story_copy, force=True, entities=3)
    assert [w.action for w in result.files] == ["overwrote", "overwrote"]
    assert len(load_codebook(story_copy / "entities.yml")) == 3
    assert load_sources(story_copy)["002_66a252709c82cb38"].get("outlet").basis == "unknown"  # the pages' word again


def test_init_prints_what_it_wrote_and_the_next_command(tmp_path, capsys):
    folder = tmp_path / "two"
    folder.mkdir()
    for name in ("000_f852db828fd11835.txt", "002_66a252709c82cb38.txt"):
        shutil.copy(SEEDS / name, folder / name)
    assert main(["init", str(folder), "--entities", "5"]) == 0
    out = capsys.readouterr().out
    assert f"wrote     {folder / 'sources.yml'} (2 entries)" in out
    assert f"presslens check {folder}" in out and f"presslens run --corpus {folder} --out" in out


def test_init_on_a_folder_without_pages_is_one_line(tmp_path, capsys):
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    assert main(["init", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "no page presslens can read" in err and "notes.pdf: unsupported file type '.pdf'" in err
    assert "Traceback" not in err and not (tmp_path / "sources.yml").exists()


# ---------------------------------------------------------------------------
# presslens check
# ---------------------------------------------------------------------------


def test_check_passes_a_fresh_story_folder(story, capsys):
    assert main(["check", str(story)]) == 0
    out = capsys.readouterr().out
    assert "ok       sources.yml: " in out and "fits the schema" in out
    assert "still marked proposed" in out and "outlet unknown for" in out
    assert f"{len(load_corpus(story))} document(s), " in out
    assert "the folder is sound" in out


def test_check_counts_documents_and_comments(story):
    result = check_story(story)
    corpus = load_corpus(story)
    assert result.ok and result.documents == len(corpus)
    assert result.comments == sum(len(d.comments) for d in corpus) >= 14  # the seeds' 000 has 14 reader comments


def test_check_names_every_problem_and_exits_1(story_copy, capsys):
    with (story_copy / "sources.yml").open("a", encoding="utf-8") as handle:
        handle.write("\n  ghost:\n    file: ghost.html\n    outlet: Nowhere\n"
                     "  renamed:\n    file: 002_66a252709c82cb38.txt\n"
                     "  broken:\n    genre: blog\n")
    (story_copy / "scan.pdf").write_bytes(b"%PDF-1.4")
    shutil.copy(story_copy / "002_66a252709c82cb38.txt", story_copy / "copy_of_002.txt")
    assert main(["check", str(story_copy)]) == 1
    out = capsys.readouterr().out
    assert "entry 'ghost': names file 'ghost.html', which is not in the folder" in out
    assert "entry 'renamed': names file '002_66a252709c82cb38.txt', but" in out
    assert "document 'broken', field 'genre': genre must be one of" in out
    assert "scan.pdf: rejected: unsupported file type '.pdf'" in out
    assert "copy_of_002.txt: rejected: exact duplicate of 002_66a252709c82cb38.txt" in out
    assert "problem(s) to fix" in out and "Traceback" not in out


def test_check_reports_broken_yaml_and_still_reads_the_pages(story_copy, capsys):
    (story_copy / "sources.yml").write_text("documents: [\n", encoding="utf-8")
    (story_copy / "entities.yml").write_text("entities:\n  - {name: Iran, type: country}\n", encoding="utf-8")
    assert main(["check", str(story_copy)]) == 1
    out = capsys.readouterr().out
    assert "sources.yml: invalid YAML at line 2" in out
    assert "entities.yml, line 2, entry 'Iran': type must be one of" in out
    assert f"{len(list(story_copy.glob('*.txt'))) + len(list(story_copy.glob('*.html')))} document(s)" in out


def test_check_a_folder_of_pages_only_warns(tmp_path, capsys):
    shutil.copy(SEEDS / "002_66a252709c82cb38.txt", tmp_path / "002_66a252709c82cb38.txt")
    assert main(["check", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "warning  no sources.yml" in out and "warning  no entities.yml" in out and "presslens init" in out


def test_check_a_missing_folder(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nope")]) == 1
    assert "folder not found" in capsys.readouterr().out
