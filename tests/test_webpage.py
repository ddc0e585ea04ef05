"""Saved web pages (presslens.ingest.webpage): article text, page metadata, comments, and bad input.

Real-page tests read the development corpora in place (``../shared/corpora``, or
``PRESSLENS_CORPORA``, else ``/work/shared/corpora``) and skip when they are absent;
the hostile inputs are small hand-built pages (synthetic bad input on purpose).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

from presslens.errors import CorpusError
from presslens.ingest import load_corpus, metadata_table, comments_table
from presslens.ingest.webpage import charset_warning, is_date_line, page_metadata, read_web_page
from presslens.text import decode_bytes

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.aeb import aggregate, is_dev, load_pages, page_scores, shingles  # noqa: E402


def _corpora() -> Path:
    for candidate in (os.environ.get("PRESSLENS_CORPORA"), ROOT.parent / "shared" / "corpora", "/work/shared/corpora"):
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return ROOT.parent / "shared" / "corpora"


AEB = _corpora() / "aeb-dev"
COMMENT_PAGES = _corpora() / "comment-pages-dev"
needs_aeb = pytest.mark.skipif(not (AEB / "ground-truth.json").exists(), reason=f"{AEB} not present")
needs_comment_pages = pytest.mark.skipif(not COMMENT_PAGES.is_dir(), reason=f"{COMMENT_PAGES} not present")

ARTICLE = (
    "<p>The council voted on Tuesday to close the old bridge after engineers found cracks in two of its piers, officials said.</p>"
    "<p>Repairs are expected to take at least eighteen months and cost about four million pounds, according to the report.</p>"
)


# ---------------------------------------------------------------------------
# Real pages: the Article Extraction Benchmark's development half.
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def aeb_dev():
    pages = load_pages(AEB)
    return {pid: item for pid, item in pages.items() if is_dev(pid)}


@needs_aeb
def test_aeb_dev_split_f1_and_no_page_loses_its_article(aeb_dev):
    import trafilatura

    ours = {pid: page_scores(read_web_page(html, name=pid).body, gold) for pid, (html, gold) in aeb_dev.items()}
    score = aggregate(ours)
    assert score.pages == len(aeb_dev) >= 30
    assert score.f1 >= 0.96, score
    theirs = {pid: page_scores(trafilatura.extract(html, include_comments=False) or "", gold) for pid, (html, gold) in aeb_dev.items()}
    lost = [pid[:10] for pid in ours if (theirs[pid][1] or 0) > 0.5 and (ours[pid][1] or 0) <= 0.5]
    assert not lost, f"pages whose article trafilatura keeps but presslens loses: {lost}"


@needs_aeb
def test_aeb_metric_agrees_with_the_prototype_written_from_evaluate_py(aeb_dev):
    proto = Path("/work/wt/dev14/aeb.py")
    if not proto.exists():
        pytest.skip("the prototype metric is not on this machine")
    spec = importlib.util.spec_from_file_location("aeb_prototype", proto)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for pid, (html, gold) in list(aeb_dev.items())[:12]:
        body = read_web_page(html, name=pid).body
        assert page_scores(body, gold) == module.page_prf(body, gold)
    assert shingles("one two three") == {("one", "two", "three"): 1}


@needs_aeb
def test_aeb_pages_state_their_metadata_with_evidence(aeb_dev):
    stated = 0
    for pid, (html, _) in list(aeb_dev.items())[:10]:
        page = read_web_page(html, name=pid)
        for name, value in page.meta.items():
            assert value.basis == "stated" and value.evidence and value.value, (pid, name, value)
        if {"title", "url"} <= set(page.meta):
            stated += 1
        if "published" in page.meta:
            assert len(page.meta["published"].value) == 10 and page.meta["published"].value[4] == "-"
    assert stated >= 8


@needs_aeb
def test_segments_have_rules_and_source_lines(aeb_dev):
    pid, (html, _) = next(iter(aeb_dev.items()))
    page = read_web_page(html, name=pid)
    lines = html.split("\n")
    body = [s for s in page.segments if s.kind == "body"]
    assert body and all(s.rule.startswith("html") for s in page.segments)
    located = [s for s in body if s.line]
    assert len(located) >= 0.8 * len(body)
    first_words = located[0].text.split()[0]
    assert any(first_words in lines[n - 1] for n in range(located[0].line, min(len(lines), located[0].line + 3) + 1))


# ---------------------------------------------------------------------------
# Real pages with comment sections: threads, no comment text in the body, metadata through the corpus.
# ---------------------------------------------------------------------------


@needs_comment_pages
def test_wordpress_page_through_the_corpus(tmp_path):
    (tmp_path / "diverse.html").symlink_to(COMMENT_PAGES / "blog.wordpress.com.diverse.html")
    corpus = load_corpus(tmp_path, within=COMMENT_PAGES)  # the page is read in place, through a link
    doc = corpus["diverse"]
    assert doc.layouts == ["wordpress"]
    assert len(doc.comments) == doc.declared_comments == 13
    ids = {c.comment_id for c in doc.comments}
    assert all(c.reply_to is None or c.reply_to in ids for c in doc.comments)
    assert any(c.reply_to for c in doc.comments) and all(c.line > 0 for c in doc.comments)
    body = " ".join(doc.body.split())
    assert not [c.comment_id for c in doc.comments if len(c.text.split()) >= 8 and " ".join(c.text.split()[:8]) in body]
    assert doc.meta("outlet").value == "The WordPress.com Blog" and doc.meta("outlet").evidence == "og:site_name"
    assert doc.meta("published").value == "2019-06-19" and doc.meta("published").basis == "stated"
    assert doc.meta("language").value == "en-US"
    assert doc.meta("title").value.startswith("Want to See a More Diverse WordPress")
    assert ("diverse.html", "no entry in sources.yml: metadata only from the page's markup") in corpus.warnings
    meta = metadata_table(corpus)
    assert "description" in set(meta["field"])
    assert list(comments_table(corpus).columns)[-1] == "pingback"


@needs_comment_pages
def test_sources_yml_overrides_the_page_and_pingbacks_are_flagged(tmp_path):
    (tmp_path / "cc.html").symlink_to(COMMENT_PAGES / "de.creativecommons.org.endlich.html")
    (tmp_path / "sources.yml").write_text(
        "documents:\n  cc:\n    outlet: {value: Creative Commons DE, basis: stated, evidence: analyst}\n", encoding="utf-8"
    )
    doc = load_corpus(tmp_path, within=COMMENT_PAGES)["cc"]  # the page is read in place, through a link
    assert doc.meta("outlet").value == "Creative Commons DE" and doc.meta("outlet").evidence == "analyst"
    assert doc.meta("url").evidence == "link:canonical" and doc.meta("language").evidence == "html:lang"
    assert doc.meta("published").value == "2014-03-20"
    assert [c.pingback for c in doc.comments].count(True) == 2
    assert "Ähnliche Beiträge" not in doc.body


@needs_comment_pages
def test_stated_count_that_differs_is_a_warning():
    page = read_web_page(decode_bytes((COMMENT_PAGES / "netzpolitik.org.abmahnungen.html").read_bytes()).text, name="n.html")
    assert page.declared_comments == 91 and len(page.comments) == 74
    assert any("91" in w and "74" in w for w in page.warnings)


# ---------------------------------------------------------------------------
# Bad input: a reason or a warning, never a traceback.
# ---------------------------------------------------------------------------


def test_malformed_html_keeps_its_text():
    page = read_web_page(
        "<html><body><div><p>The council voted on Tuesday to close the old bridge after engineers found <b>cracks in two"
        " of its piers<p>Repairs are expected to take at least eighteen months</i></div></span></table>",
        name="broken.html",
    )
    assert not page.reason
    assert "cracks in two of its piers" in page.body and "eighteen months" in page.body


def test_page_without_body_tag_is_read_with_a_warning():
    page = read_web_page(ARTICLE, name="fragment.html")
    assert "four million pounds" in page.body
    assert any("no <body> tag" in w for w in page.warnings)


def test_script_only_page_is_rejected_with_a_reason(tmp_path):
    app = "<html><head><script>var a=1;</script></head><body><div id=app></div><script src=app.js></script></body></html>"
    page = read_web_page(app, name="app.html")
    assert page.reason.startswith("no article text found") and "JavaScript app" in page.reason
    (tmp_path / "app.html").write_text(app, encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert [(i.file, i.status) for i in corpus.inputs] == [("app.html", "rejected")]
    assert "no article text found" in corpus.inputs[0].reason
    with pytest.raises(CorpusError, match="app.html: no article text found"):
        load_corpus(tmp_path, strict=True)


def test_huge_dom_does_not_recurse():
    deep = "<html><body>" + "<div>" * 50_000 + ARTICLE + "</div>" * 50_000 + "</body></html>"
    page = read_web_page(deep, name="deep.html")
    assert "eighteen months" in page.body
    assert any("nested deeper" in w for w in page.warnings)
    nested = "<html><body>" + "<div><span>menu</span>" * 1500 + ARTICLE + "</div>" * 1500 + "</body></html>"
    assert "four million pounds" in read_web_page(nested, name="nested.html").body
    wide = "<html><body>" + '<div class="nav"><a href="/x">menu</a></div>' * 50_000 + ARTICLE + "</body></html>"
    assert "four million pounds" in read_web_page(wide, name="wide.html").body


def test_meta_charset_contradicted_by_the_bytes(tmp_path):
    data = ('<html><head><meta charset="iso-8859-1"></head><body><h1>Café prices</h1>' + ARTICLE.replace("pounds", "pounds, café owners said") + "</body></html>").encode("utf-8")
    assert "declares charset iso-8859-1" in charset_warning(data, "utf-8")
    assert charset_warning(data.replace(b"iso-8859-1", b"utf-8"), "utf-8") == ""
    assert charset_warning(b'<meta charset="iso-8859-1"><p>plain ascii</p>', "utf-8") == ""
    (tmp_path / "cafe.html").write_bytes(data)
    corpus = load_corpus(tmp_path)
    assert "café owners" in corpus["cafe"].body
    assert any(f == "cafe.html" and "declares charset iso-8859-1 but its bytes were read as utf-8" in w for f, w in corpus.warnings)


@pytest.mark.parametrize("markup", ["   ", "<html></html>", "<!-- only a comment -->", "<html><body>   </body></html>"])
def test_empty_pages_get_a_reason(markup):
    page = read_web_page(markup, name="empty.html")
    assert page.reason and not page.body


def test_comment_section_is_cut_from_the_body():
    page = read_web_page(
        "<html><body><article><h1>Bridge to close</h1>" + ARTICLE + "</article>"
        '<div id="comments" class="comments-area"><h2>2 Comments</h2><ol class="commentlist">'
        '<li class="comment" id="comment-1"><article class="comment-body"><footer class="comment-meta"><div class="comment-author vcard">'
        '<b class="fn">Ann Reader</b> <span class="says">says:</span></div><div class="comment-metadata"><time datetime="2019-11-18T10:32:00+00:00">'
        'November 18, 2019 at 10:32 am</time></div></footer><div class="comment-content"><p>About time the council acted on that crumbling bridge, frankly.</p></div></article>'
        '<ol class="children"><li class="comment" id="comment-2"><article class="comment-body"><footer class="comment-meta"><div class="comment-author vcard">'
        '<b class="fn">Bob Local</b></div><div class="comment-metadata"><time datetime="2019-11-18T11:00:00+00:00">November 18, 2019 at 11:00 am</time></div>'
        '</footer><div class="comment-content"><p>Eighteen months of detours will hurt the shops on the high street.</p></div></article></li></ol></li></ol></div>'
        "</body></html>",
        name="bridge.html",
    )
    assert [(c.comment_id, c.author, c.reply_to, c.depth) for c in page.comments] == [("c001", "Ann Reader", None, 0), ("c002", "Bob Local", "c001", 1)]
    assert page.comments[0].posted.startswith("2019-11-18T10:32")
    assert "crumbling" not in page.body and "detours" not in page.body
    assert page.layouts == ["wordpress"] and "four million pounds" in page.body


def test_line_rules():
    assert is_date_line("Updated 10:32 AM EST, November 18, 2019")
    assert not is_date_line("Eighteen people died in November 2019 when the bridge fell.")
    from lxml import html

    meta = page_metadata(html.fromstring(
        '<html lang="de"><head><script type="application/ld+json">{"@graph": [{"@type": "NewsArticle", "headline": "Brücke gesperrt",'
        ' "datePublished": "2020-01-02T08:00:00+01:00", "author": [{"name": "A. Muster"}, {"name": "B. Beispiel"}]}]}</script>'
        '<script type="application/ld+json">{broken</script><meta property="og:title" content="Other"></head><body></body></html>'
    ))
    assert meta["title"].value == "Brücke gesperrt" and meta["title"].evidence == "json-ld:headline"
    assert meta["published"].value == "2020-01-02" and meta["author"].value == "A. Muster, B. Beispiel"
    assert meta["language"].evidence == "html:lang"
