"""The HTML pages: search results, empty and error states, the document page, and escaping."""

from __future__ import annotations

import re

import pytest

from kb.models import Snippet
from web.filters import clean_ranges, highlight

EVIL = "<script>alert(1)</script>"


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def test_landing_page(client):
    html = page(client, "/")
    assert 'name="q"' in html and "data-slash" in html and "选举法第三十条" in html
    assert 'name="kind" value="法律"' in html and 'name="region" value="浙江"' in html
    assert "<script>" not in html.replace('<script src="/static/kb.js" defer></script>', "")


def test_citation_is_the_answer(client):
    html = page(client, "/?q=选举法第三十条")
    first = html.index('<li class="hit')
    assert html[first:].startswith('<li class="hit answer"')
    assert re.search(r'href="/documents/\w+#p\d+"', html[first:])
    assert "》（2020年修正）第三十条" in html
    assert "条文 选举法 第30条" in html  # what the query was understood as


def test_results_have_marks_badges_and_copy(client):
    html = page(client, "/?q=代表法第四十四条&versions=all")
    assert "已修改 · 2015-08-29 至 2025-03-11" in html and "现行有效" in html
    assert 'class="copy" type="button" hidden data-copy="《' in html
    html = page(client, "/?q=选民登记")
    assert "<mark>选民登记</mark>" in html or "<mark>选民</mark>" in html


def test_understood_expansions(client):
    assert "常委会 ≈ 常务委员会" in page(client, "/?q=常委会任免程序")


def test_filters_stay_in_the_url(client):
    html = page(client, "/?q=代表&kind=法律&versions=all&as_of=2020-01-01&limit=20")
    assert 'value="法律" checked' in html and 'value="all" checked' in html
    assert 'value="2020-01-01"' in html and 'value="20" selected' in html


def test_pagination_links(client):
    html = page(client, "/?q=代表&limit=5")
    nxt = re.search(r'<a class="next" rel="next" href="([^"]+)"', html)
    assert nxt and "offset=5" in nxt[1] and "limit=5" in nxt[1]
    html = page(client, "/?q=代表&limit=5&offset=5")
    assert 'rel="prev"' in html and 'aria-current="page">2<' in html


def test_empty_state_suggests_wider_searches(client):
    html = page(client, "/?q=选民登记&kind=司法解释&as_of=2016-01-01")
    assert "没有找到" in html
    assert "去掉类别「司法解释」" in html and "不限日期" in html
    html = page(client, "/?q=选民登记&kind=司法解释")
    assert "包括已修改的旧版本" in html


@pytest.mark.parametrize(
    "query", ["limit=0", "as_of=someday", "kind=小说", "offset=-3", "versions=old"]
)
def test_bad_query_page(client, query):
    html = page(client, f"/?q=代表&{query}", 400)
    assert "查询有误" in html and 'name="q"' in html


def test_too_long_query_page(client):
    assert "查询有误" in page(client, "/?q=" + "法" * 501, 400)
    assert "查询过长" in page(client, "/?q=" + "法" * 20_000, 414)


def test_query_is_escaped(client):
    html = page(client, "/?q=" + EVIL)
    assert EVIL not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_highlight_escapes_every_piece():
    snippet = Snippet("a<b>c&d" + EVIL, ((1, 4), (3, 6), (50, 60), (5, 2)))
    html = str(highlight(snippet))
    assert html.startswith("a<mark>&lt;b&gt;</mark><mark>c&amp;</mark>d&lt;script&gt;")
    assert "<script>" not in html
    assert clean_ranges([(0, 3), (1, 2), (2, 9)], 5) == [(0, 3), (3, 5)]


def test_document_page(client, library):
    hit = library.search("代表法第四十四条").hits[0]
    html = page(client, f"/documents/{hit.document.id}")
    assert f'id="p{hit.url.rsplit("#p", 1)[1]}"' in html
    assert 'class="toc"' in html and re.search(r'href="#h\d+">第一章', html)
    assert "沿革" in html and "2025年修正" in html and "2015年修正" in html
    assert 'class="para"' in html and '<b class="label">第四十四条</b>' in html


def test_version_links_point_at_the_same_article(client, library):
    hit = library.search("代表法第四十四条").hits[0]
    ordinal = hit.url.rsplit("#p", 1)[1]
    html = page(client, f"/documents/{hit.document.id}?p={ordinal}")
    other = re.search(r'<a data-version="(\w+)" data-switch="[^"]+" href="([^"]+)"', html)
    assert other and other[2] == f"/documents/{hit.document.id}/in/{other[1]}?p={ordinal}"
    response = client.get(other[2])
    assert response.status_code == 302
    landing = re.search(rf"/documents/{other[1]}\?p=(\d+)#p\d+$", response.headers["Location"])
    assert landing  # 2025 第四十四条 was 2015 第三十六条 (renumbered), not 2015 第四十四条
    assert library.passage(f"{other[1]}-{landing[1]}").article == 36


def test_an_article_another_version_lacks(client, library):
    """An article with no counterpart (added later): the top of the version, with a notice."""
    new, old = (h.document.id for h in library.search("代表法第四十四条", versions="all").hits[:2])
    view = library.document(new).document
    added = next(p for p in view.passages if library.same_article_in(p.id, old) is None)
    response = client.get(f"/documents/{new}/in/{old}?p={added.ordinal}")
    assert response.status_code == 302 and response.headers["Location"].endswith("unmatched=1")
    assert "此版本中没有对应的条文" in page(client, response.headers["Location"])
    for p in (f"?p={added.ordinal}x", "?p=99999", ""):  # no such passage: the top, no notice
        response = client.get(f"/documents/{new}/in/{old}{p}")
        assert response.headers["Location"].endswith(f"/documents/{old}")


def test_parts_and_bulletin_headings(client, library):
    bulletin = library.search("代表工作", kinds=("工作简报",)).hits[0].document.id
    html = page(client, f"/documents/{bulletin}")
    assert re.search(r'<h\d class="heading passage" id="p\d+">', html)


@pytest.mark.parametrize(
    "url",
    [
        "/documents/nope",
        "/documents/x/in/nope?p=3",
        "/documents/" + "x" * 200,
        "/no/such/page",
    ],
)
def test_not_found_pages(client, url):
    html = page(client, url, 404)
    assert "未找到" in html and "Traceback" not in html


def test_no_inline_script_or_style(client, library):
    doc_id = library.search("代表法第四十四条").hits[0].document.id
    for url in ("/", "/?q=代表", f"/documents/{doc_id}", "/nope"):
        html = client.get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html)
        assert " style=" not in html and "<style" not in html
        assert not re.search(r"\son\w+=", html)


@pytest.fixture(scope="module")
def evil_client(tmp_path_factory):
    """An app over a one-document index whose text and title contain markup."""
    from indexer.build import build_index
    from kb.config import load_settings
    from tests.support.shapes import checked_app

    root = tmp_path_factory.mktemp("evil")
    folder = root / "corpus" / "法律"
    folder.mkdir(parents=True)
    (folder / "测试标记条例.md").write_text(
        "# 测试<b>标记</b>条例\n\n2021年1月1日 测试委员会第一次会议通过\n\n<!-- INFO END -->\n\n"
        f"第一章 总则\n\n第一条 {EVIL}为了测试页面转义，制定本条例。\n\n"
        "第二条 本条例中的“<img src=x onerror=alert(2)>”应当原样显示为文字。\n",
        encoding="utf-8",
    )
    settings = load_settings({}, corpus_dirs=(root / "corpus",), index_dir=root / "index")
    build_index(settings, procs=1)
    return checked_app({"INDEX_DIR": str(settings.index_dir)}).test_client()


def test_document_text_is_escaped(evil_client):
    html = page(evil_client, "/?q=测试页面转义")
    assert EVIL not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img" not in html and "测试&lt;b&gt;标记&lt;/b&gt;条例" in html
    doc = re.search(r'href="(/documents/\w+)#p\d+"', html)[1]
    html = page(evil_client, doc)
    assert EVIL not in html and "<img" not in html and "<b>标记" not in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html


def test_library_article_in_and_version(library):
    from concurrent.futures import ThreadPoolExecutor

    from kb.errors import NotFound

    new, old = (h.document.id for h in library.search("代表法第四十四条", versions="all").hits[:2])
    assert library.article_in(old, 44).article == 44
    assert library.article_in(old, 44).doc_id == old
    assert library.version(old).status == "superseded" and library.version(old).valid_to
    assert library.version(new).status == "current" and library.version(new).valid_to is None
    for call in (
        lambda: library.article_in(new, 999),
        lambda: library.article_in("nope", 1),
        lambda: library.version("nope"),
    ):
        with pytest.raises(NotFound):
            call()
    with ThreadPoolExecutor(4) as pool:  # per-thread readers: safe from a server's threads
        found = list(pool.map(lambda n: library.article_in(new, n).article, range(1, 41)))
    assert found == list(range(1, 41))
