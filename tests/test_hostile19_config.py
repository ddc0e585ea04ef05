"""Hostile and broken configuration (issue #19, part D): YAML files, their schema, override patterns, parameters.

Every case is built in ``tmp_path``. Each error is one line naming the file, the line and the problem; the
command line exits with its documented code (``check`` 1, ``run`` refused before it starts 2) without a traceback.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from presslens.entities.codebook import CodebookError, load_codebook, parse_codebook
from presslens.errors import MetadataError, ParameterError
from presslens.ingest.corpus import load_corpus
from presslens.ingest.metadata import load_sources, read_sources
from presslens.ingest.segment import OverrideMatcher, Overrides, PatternTimeout, compile_override, segment_page
from presslens.io import MAX_YAML_ALIAS_NODES, MAX_YAML_ALIASES, MAX_YAML_DEPTH, load_yaml, read_yaml
from presslens.report.plan import PARAMETER_RANGES, coerce_value, load_params_file, notebook_parameters, plan_run
from presslens.story import check_story

ROOT = Path(__file__).resolve().parents[1]
PAGE = "002_66a252709c82cb38.txt"


def billion_laughs(levels: int = 9, width: int = 9) -> str:
    """The classic alias bomb: ``width ** levels`` strings from about 1 KB."""
    lines = ["lol0: &lol0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"lol{i}: &lol{i} [" + ", ".join([f"*lol{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def doubling_bomb(levels: int = 30) -> str:
    """Two aliases per level (fewer than the alias budget up to 32 levels), yet ``2 ** levels`` values."""
    lines = ["d0: &d0 [x, x]"] + [f"d{i}: &d{i} [*d{i - 1}, *d{i - 1}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def run_cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "lib")}
    return subprocess.run([sys.executable, "-m", "presslens.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def story(tmp_path: Path, seeds_dir: Path) -> Path:
    """A story folder with one seed page, no sources.yml and no entities.yml yet."""
    folder = tmp_path / "story"
    folder.mkdir()
    shutil.copy(seeds_dir / PAGE, folder / PAGE)
    return folder


# --------------------------------------------------------------------------- 1. one guarded YAML loader


@pytest.mark.parametrize("bomb", [billion_laughs(), doubling_bomb()], ids=["billion-laughs", "doubling"])
def test_an_alias_bomb_is_refused_while_composing_before_anything_expands(tmp_path, bomb):
    """Expanded, these files hold 387 million and a billion values; refused, the loader never built one.

    Memory stays small by construction: the composer counts each alias and the values it stands for from
    sizes known when each anchor closed, and refuses before a constructor runs.
    """
    assert len(bomb.encode()) < 1100
    path = tmp_path / "sources.yml"
    path.write_text("documents: {}\n" + bomb, encoding="utf-8")
    tracemalloc.start()
    try:
        with pytest.raises(MetadataError) as caught:
            read_yaml(path, error=MetadataError)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    message = str(caught.value)
    assert message.startswith(f"{path}, line ")
    assert "aliases" in message and "\n" not in message
    assert peak < 2_000_000, f"{peak:,} bytes while refusing a 1 KB file"


def test_the_alias_budget_counts_aliases_and_what_they_expand_to():
    few = "base: &b {outlet: X}\n" + "".join(f"k{i}: *b\n" for i in range(MAX_YAML_ALIASES))
    _, data = load_yaml(few, source="ok.yml", error=MetadataError)  # a few aliases of a small node are fine
    assert data["k0"] == {"outlet": "X"}
    with pytest.raises(MetadataError, match=rf"many.yml, line {MAX_YAML_ALIASES + 2}: more than {MAX_YAML_ALIASES} aliases"):
        load_yaml(few + "one_more: *b\n", source="many.yml", error=MetadataError)
    wide = "big: &big [" + ", ".join(["x"] * (MAX_YAML_ALIAS_NODES // 2)) + "]\na: *big\nb: *big\n"
    with pytest.raises(MetadataError, match=r"wide.yml, line 3: aliases would expand to more than 10,000 values"):
        load_yaml(wide, source="wide.yml", error=MetadataError)
    with pytest.raises(MetadataError, match=r"self.yml, line 1: alias \*x inside its own anchor &x"):
        load_yaml("a: &x [1, *x]\n", source="self.yml", error=MetadataError)


@pytest.mark.parametrize("style", ["flow", "block"])
def test_a_value_nested_3000_deep_is_refused_with_its_line(tmp_path, style):
    depth = 3000
    if style == "flow":
        text = "documents:\n  a:\n    title: " + "[" * depth + "]" * depth + "\n"
        line = 3
    else:  # block indentation grows with the depth: 3,000 levels would be 9 MB, 500 are enough
        text = "documents:\n" + "".join(" " * (i + 1) + f"k{i}:\n" for i in range(500))
        line = MAX_YAML_DEPTH  # the mapping opened by the 64th key is the 65th level
    (tmp_path / "sources.yml").write_text(text, encoding="utf-8")
    with pytest.raises(MetadataError, match=rf"sources.yml, line {line}: nested deeper than {MAX_YAML_DEPTH} levels$"):
        load_sources(tmp_path)


def test_a_key_given_twice_is_refused_with_both_lines(tmp_path):
    (tmp_path / "sources.yml").write_text(
        "documents:\n  a:\n    outlet: Reuters\n  b:\n    outlet: AP\n  a:\n    outlet: AFP\n", encoding="utf-8"
    )
    with pytest.raises(MetadataError, match=r"sources.yml, line 6: key 'a' given twice \(first at line 2\)$"):
        load_sources(tmp_path)
    text = "entities:\n  - name: Iran\n    type: place\n    name: Iraq\n"
    with pytest.raises(CodebookError, match=r"entities.yml, line 4: key 'name' given twice \(first at line 2\)"):
        parse_codebook(text, source="entities.yml")


def test_file_keys_stay_text_so_their_metadata_attaches(tmp_path, seeds_dir):
    """YAML 1.1 read ``2019_11_18`` as 20191118, ``no`` as False and ``0x1F`` as 31: the pages lost their metadata."""
    keys = ["2019_11_18", "no", "0x1F", "007", "1:30"]
    for key in keys:
        shutil.copy(seeds_dir / PAGE, tmp_path / f"{key}.txt")
        (tmp_path / f"{key}.txt").write_text((seeds_dir / PAGE).read_text(encoding="utf-8") + f"\n{key}\n", encoding="utf-8")
    body = "".join(f"  {key}:\n    outlet: Outlet {key}\n    language: no\n" for key in keys)
    (tmp_path / "sources.yml").write_text("documents:\n" + body, encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert sorted(d.doc_id for d in corpus) == sorted(keys)
    for key in keys:
        assert corpus[key].meta("outlet").value == f"Outlet {key}"
        assert corpus[key].meta("language").value == "no"  # Norwegian, not False
    assert not [w for w in corpus.warnings if "no entry" in w[1] or "has no file" in w[1]]


def test_core_schema_scalars():
    _, data = load_yaml("a: yes\nb: true\nc: 2019-11-18\nd: 12\ne: 0.5\nf: ~\ng: 08\nh: 1e3\n", source="x", error=MetadataError)
    assert data == {"a": "yes", "b": True, "c": "2019-11-18", "d": 12, "e": 0.5, "f": None, "g": "08", "h": 1000.0}
    with pytest.raises(MetadataError, match="could not determine a constructor"):
        load_yaml("a: !!python/object/apply:os.system [echo hi]\n", source="x", error=MetadataError)


@pytest.mark.parametrize("name", ["sources.yml", "entities.yml"])
def test_a_cp1252_byte_is_named_with_its_line(story, name):
    text = "documents:\n  a:\n    title: It\x92s here\n" if name == "sources.yml" else "entities:\n  - {name: Iran, type: place}\n  - {name: Dan\x92s, type: person}\n"
    (story / name).write_bytes(text.encode("latin-1"))
    line = 3
    expected = f"{story / name}: not UTF-8 at line {line} (byte 0x92); save the file as UTF-8"
    error = MetadataError if name == "sources.yml" else CodebookError
    with pytest.raises(error) as caught:
        load_sources(story) if name == "sources.yml" else load_codebook(story / name)
    assert str(caught.value) == expected
    result = check_story(story)
    assert expected in [f.message for f in result.errors]


def test_a_yaml_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    import presslens.io as pio

    monkeypatch.setattr(pio, "MAX_YAML_BYTES", 1000)
    (tmp_path / "sources.yml").write_text("documents:\n" + "#" * 2000 + "\n", encoding="utf-8")
    with pytest.raises(MetadataError, match=r"sources.yml: too large for a YAML data file \(2,012 bytes; the limit is 1,000\)"):
        load_sources(tmp_path)


def test_a_params_file_bomb_and_bad_values(tmp_path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("top_n: 5\n" + billion_laughs(), encoding="utf-8")
    with pytest.raises(ParameterError, match=r"bomb.yaml, line 6: aliases would expand to more than 10,000 values"):
        load_params_file(str(bomb), params_dir=tmp_path)
    dup = tmp_path / "dup.yaml"
    dup.write_text("top_n: 5\ntop_n: 6\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"dup.yaml, line 2: key 'top_n' given twice \(first at line 1\)"):
        load_params_file(str(dup), params_dir=tmp_path)
    with pytest.raises(ParameterError, match=r"parameter entity_terms, line 1: more than 64 aliases"):
        coerce_value("entity_terms", "[&a x, " + ", ".join(["*a"] * 65) + "]", default=[], from_text=True)


# --------------------------------------------------------------------------- 2. every field's type and date


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("documents:\n  a:\n    title: {value: [A, B], basis: stated}\n", r"line 2, document 'a', field 'title', value: expected text, found a list"),
        ("documents:\n  a:\n    title: {value: {x: 1}, basis: stated}\n", r"field 'title', value: expected text, found a mapping"),
        ("documents:\n  a:\n    outlet: {value: X, basis: stated, evidence: [p, q]}\n", r"field 'outlet', evidence: expected text, found a list"),
        ("documents:\n  a:\n    outlet: {value: X, basis: [stated]}\n", r"field 'outlet': basis must be one of .*, found a list"),
        ("documents:\n  a:\n    file: [a.txt]\n", r"document 'a': file must be the name of a page in the folder \(text, no folders\), found a list"),
        ("documents:\n  a:\n    file: ../../etc/passwd\n", r"document 'a': file must be the name of a page in the folder"),
        ("documents:\n  a:\n    title: 1.10\n", r"field 'title': expected a plain value .* found the number 1.1 \(quote it"),
        ("documents:\n  a:\n    published: 2019-02-30\n", r"line 2, document 'a', field 'published': published '2019-02-30' is not a real date \(day is out of range"),
        ("documents:\n  a:\n    published: {value: '2019-13-01', basis: inferred, evidence: x}\n", r"published '2019-13-01' is not a real date"),
        ("documents:\n  a:\n    published: 2019-11-18T25:00\n", r"published '2019-11-18T25:00' is not a real date"),
        ("documents:\n  a:\n    segmentation: {title_line: true}\n", r"title_line must be a line number .*found True"),
        ("documents:\n  a:\n    segmentation: {boilerplate: [[x]]}\n", r"boilerplate pattern a list is not a regular expression"),
        ("documents:\n  a:\n    segmentation: {keep: 'x'}\n", r"keep must be a list of regular expressions, found 'x'"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_not_stringified(tmp_path, yaml_text, message):
    (tmp_path / "sources.yml").write_text(yaml_text, encoding="utf-8")
    with pytest.raises(MetadataError, match=message):
        load_sources(tmp_path)


def test_real_dates_pass(tmp_path):
    (tmp_path / "sources.yml").write_text(
        "documents:\n  a:\n    published: 2020-02-29\n  b:\n    published: 2019-11-18T10:30\n  c:\n    outlet: 1843\n",
        encoding="utf-8",
    )
    entries = load_sources(tmp_path)
    assert [entries[k].get(f).value for k, f in (("a", "published"), ("b", "published"), ("c", "outlet"))] == [
        "2020-02-29", "2019-11-18T10:30", "1843"]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{name: Iran, type: place, note: [a, b]}", r"line 2, entry 'Iran': note must be text, found a list"),
        ("{name: [Iran], type: place}", r"line 2, entry: 'name' must be non-empty text, found a list"),
        ("{name: 1843, type: organisation}", r"'name' must be non-empty text, found 1843 \(quote numbers\)"),
        ("{name: Iran, type: {a: b}}", r"type must be one of .*found a mapping"),
        ("{name: Iran, type: place, parent: [x]}", r"parent must be the name of another entry, found a list"),
    ],
)
def test_codebook_fields_of_the_wrong_type(entry, message):
    with pytest.raises(CodebookError, match=message):
        parse_codebook(f"entities:\n  - {entry}\n", source="entities.yml")
    with pytest.raises(CodebookError, match=r"version must be 1, found True"):
        parse_codebook("version: true\nentities: []\n", source="entities.yml")


def test_a_title_line_past_the_page_is_a_warning_naming_the_file(story):
    (story / "sources.yml").write_text(
        f"documents:\n  {PAGE[:-4]}:\n    outlet: X\n    segmentation: {{title_line: 5000}}\n", encoding="utf-8"
    )
    corpus = load_corpus(story)
    warnings = [w for f, w in corpus.warnings if f == PAGE]
    assert any("title_line 5000 is past the article's text" in w and "found by the rules" in w for w in warnings), warnings
    assert corpus.documents[0].title  # the rules still found the headline
    result = check_story(story)
    assert any(f.level == "warning" and f.message.startswith(f"{PAGE}: sources.yml segmentation title_line 5000") for f in result.findings)


def test_check_reports_the_same_errors_without_a_traceback(story):
    (story / "sources.yml").write_text(
        f"documents:\n  {PAGE[:-4]}:\n    published: 2019-02-30\n  other:\n    title: {{value: [a], basis: stated}}\n",
        encoding="utf-8",
    )
    (story / "entities.yml").write_text("entities:\n" + "  - " + "[" * 3000 + "]" * 3000 + "\n", encoding="utf-8")
    proc = run_cli("check", str(story), timeout=120)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    out = proc.stdout
    assert "Traceback" not in out + proc.stderr
    assert f"sources.yml, line 2, document '{PAGE[:-4]}', field 'published': published '2019-02-30' is not a real date" in out
    assert "sources.yml, line 4, document 'other', field 'title', value: expected text, found a list" in out
    assert "entities.yml, line 2: nested deeper than 64 levels" in out


# --------------------------------------------------------------------------- 3. override patterns


@pytest.mark.parametrize("pattern", [r"^(a+)+$", r"(\w+\s?)*$", r"(a*)*b", r"^(?:x|y+)+$"])
def test_a_nested_repeat_is_refused_when_sources_yml_is_read(tmp_path, pattern):
    (tmp_path / "sources.yml").write_text(
        f"documents:\n  a:\n    segmentation:\n      boilerplate: ['{pattern}']\n", encoding="utf-8"
    )
    with pytest.raises(MetadataError) as caught:
        load_sources(tmp_path)
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'sources.yml'}, line 2, document 'a', field 'segmentation': boilerplate pattern {pattern!r} ")
    assert "nests a repeat directly inside another repeat" in message


@pytest.mark.parametrize("pattern", [r"^Advertisement:", r"(\d+,)*\d+", r"^(?:Read more|Share)\b", r"(ab+)+", r"\p{Lu}{3,}"])
def test_ordinary_patterns_are_accepted(pattern):
    assert compile_override(pattern).pattern == pattern  # no ValueError: the static check lets them through


def test_a_pattern_the_check_cannot_see_runs_out_of_its_time_budget():
    """``(a|aa)+$`` backtracks exponentially on a line of a's that ends otherwise; the budget stops it."""
    text = "A title\n\n" + "a" * 35 + "!\n\n" + "A body paragraph with enough words in it to count as one of the article's. " * 2
    with pytest.raises(PatternTimeout, match=r"boilerplate pattern '\(a\|aa\)\+\$' ran out of its time budget \(0.2 s per document\) at line 3"):
        segment_page(text, overrides=Overrides(boilerplate=[r"(a|aa)+$"]), pattern_budget=0.2)
    matcher = OverrideMatcher(Overrides(keep=[r"(a|aa)+$"]), budget=0.2)
    with pytest.raises(PatternTimeout):
        matcher.decide("a" * 35 + "!", line_no=1)


def test_run_refuses_the_hanging_pattern_before_it_starts(story, tmp_path):
    (story / "sources.yml").write_text(
        f"documents:\n  {PAGE[:-4]}:\n    segmentation:\n      boilerplate: ['^(a+)+$']\n", encoding="utf-8"
    )
    with (story / PAGE).open("a", encoding="utf-8") as handle:
        handle.write("\n" + "a" * 35 + "!\n")
    out = tmp_path / "out"
    proc = run_cli("run", "--corpus", str(story), "--out", str(out), "--no-progress", timeout=300)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert lines[0].startswith(f"presslens: error: {story / 'sources.yml'}, line 2, document '{PAGE[:-4]}'")
    assert "'^(a+)+$' nests a repeat" in lines[0]
    assert not out.exists()


def test_check_ends_with_the_clear_error_on_a_pattern_that_backtracks(story):
    """The pattern passes the static check; the per-document budget rejects the page, naming the pattern."""
    (story / "sources.yml").write_text(
        f"documents:\n  {PAGE[:-4]}:\n    segmentation:\n      boilerplate: ['(a|aa)+$']\n", encoding="utf-8"
    )
    text = (story / PAGE).read_text(encoding="utf-8").split("\n")
    (story / PAGE).write_text("\n".join([text[0], "", "a" * 35 + "!", *text[1:]]), encoding="utf-8")
    proc = run_cli("check", str(story), timeout=120)
    assert proc.returncode == 1, proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr
    assert f"error    {PAGE}: rejected: the sources.yml segmentation boilerplate pattern '(a|aa)+$' ran out of its time budget" in proc.stdout


# --------------------------------------------------------------------------- 4. parameters out of range


def _real_parameters() -> dict[str, object]:
    specs = {}
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        for name, spec in notebook_parameters(path).items():
            specs[name] = spec.default
    return specs


def test_every_numeric_notebook_parameter_has_a_range_that_holds_its_default():
    numbers = {n: d for n, d in _real_parameters().items() if isinstance(d, (int, float)) and not isinstance(d, bool)}
    assert {"max_rows", "confidence", "n_resamples", "max_sources"} <= set(numbers)
    assert sorted(set(numbers) - set(PARAMETER_RANGES)) == []
    for name, default in numbers.items():
        assert PARAMETER_RANGES[name].admits(default), (name, default)


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("max_rows=0", r"parameter max_rows=0 \(in 00_corpus_overview\) is out of range: allowed 1 or more$"),
        ("confidence=1.5", r"parameter confidence=1.5 \(in 02_commentary_sentiment\) is out of range: allowed more than 0 and less than 1$"),
        ("n_resamples=-5", r"parameter n_resamples=-5 \(in 02_commentary_sentiment\) is out of range: allowed from 100 to 100,000$"),
        ("max_sources=0", r"parameter max_sources=0 \(in 03_entity_frequencies\) is out of range: allowed 1 or more$"),
        ("threshold=101", r"parameter threshold=101.0 \(in 01_source_comparison\) is out of range: allowed from 0 to 100$"),
        ("confidence=.nan", r"parameter confidence=nan .*is out of range"),
        ("time_bin=banana", r"parameter time_bin='banana' \(in 02_commentary_sentiment\) is not allowed: expected a fixed pandas offset"),
    ],
)
def test_out_of_range_parameters_are_refused_by_the_plan(tmp_path, assignment, message):
    with pytest.raises(ParameterError, match=message):
        plan_run(corpus_dir=ROOT / "seeds", out_dir=tmp_path / "out", param_texts=[assignment])


def test_a_params_file_value_out_of_range(tmp_path):
    params = tmp_path / "p.yaml"
    params.write_text("confidence: 1.5\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"parameter confidence=1.5 .*allowed more than 0 and less than 1"):
        plan_run(corpus_dir=ROOT / "seeds", out_dir=tmp_path / "out", params_file=str(params), selection=["02"])


def test_run_refuses_out_of_range_parameters_with_exit_2(tmp_path):
    out = tmp_path / "out"
    proc = run_cli("run", "--corpus", "seeds", "--out", str(out), "-p", "max_rows=0", "--no-progress")
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip() == (
        "presslens: error: parameter max_rows=0 (in 00_corpus_overview) is out of range: allowed 1 or more")
    assert not out.exists()


def test_run_refuses_a_bomb_in_a_params_file_or_sources_yml_with_exit_2(tmp_path, story):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(billion_laughs(), encoding="utf-8")
    proc = run_cli("run", "--corpus", "seeds", "--out", str(tmp_path / "o1"), "-f", str(bomb), "--no-progress")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().startswith(f"presslens: error: {bomb}, line ") and "aliases" in proc.stderr
    (story / "sources.yml").write_text("documents: {}\n" + doubling_bomb(), encoding="utf-8")
    proc = run_cli("run", "--corpus", str(story), "--out", str(tmp_path / "o2"), "--no-progress")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().startswith(f"presslens: error: {story / 'sources.yml'}, line ") and "aliases would expand" in proc.stderr
    problems = read_sources(story)[1]
    assert len(problems) == 1 and "aliases would expand" in str(problems[0])


def _html_page(extra: str) -> str:
    para = "<p>" + "The ministry said the figures were checked twice before they were published on Monday. " * 3 + "</p>"
    return (f"<html><head><title>Counts</title></head><body><article><h1>Counts checked</h1>{para}<p>{extra}</p>"
            f"{para.replace('ministry', 'agency')}</article></body></html>")


def test_html_pages_get_the_same_guarded_patterns(tmp_path):
    (tmp_path / "page.html").write_text(_html_page("Advertisement: buy now"), encoding="utf-8")
    (tmp_path / "sources.yml").write_text(
        "documents:\n  page:\n    segmentation: {boilerplate: ['^Advertisement:']}\n", encoding="utf-8"
    )
    doc = load_corpus(tmp_path)["page"]
    assert [s.rule for s in doc.segments if s.text.startswith("Advertisement:")] == ["override-boilerplate"]
    (tmp_path / "page.html").write_text(_html_page("a" * 35 + "!"), encoding="utf-8")
    (tmp_path / "sources.yml").write_text(
        "documents:\n  page:\n    segmentation: {boilerplate: ['(a|aa)+$']}\n", encoding="utf-8"
    )
    corpus = load_corpus(tmp_path)
    assert not corpus.documents
    [rejected] = corpus.rejected
    assert rejected.file == "page.html" and "pattern '(a|aa)+$' ran out of its time budget (5 s per document)" in rejected.reason
