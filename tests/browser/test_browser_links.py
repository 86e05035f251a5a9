"""Headless Chromium on the links index: follow a reference, open 被引用 and 地方实施 (screenshots
in tests/artifacts/links-*.png)."""

from __future__ import annotations

import re

import pytest

from kb.library import Library
from tests.support.browser import ARGS, CHROMIUM, served, shot

DAIBIAO_2015 = "b0294960f2e5"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"
    ),
]


@pytest.fixture(scope="module")
def site(links_settings):
    with served(links_settings.index_dir, links_settings.corpus_dirs[0], threads=2) as url:
        yield url, Library(links_settings.index_dir)


@pytest.fixture(scope="module")
def page(site):
    sync_api = pytest.importorskip("playwright.sync_api")
    base_url, _lib = site
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.problems = []
        page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
        yield page
        problems = page.problems
        browser.close()
    assert not problems


def _open_panel(page, section: str) -> None:
    page.click(f"{section} .links-panel summary")
    page.wait_for_selector(f"{section} .links-panel[data-loaded] .links-list")


def test_follow_a_reference_and_open_cited_by(page, site):
    _url, lib = site
    citing = lib.article_in(DAIBIAO_2015, 34)
    page.goto(f"/documents/{DAIBIAO_2015}#p{citing.ordinal}")
    link = page.locator(f"#p{citing.ordinal} a.ref", has_text="本法第三十三条")
    link.click()
    page.wait_for_url(re.compile(r"#p\d+$"))
    cited = lib.article_in(DAIBIAO_2015, 33)
    assert page.url.endswith(f"#p{cited.ordinal}")
    section = f"#p{cited.ordinal}"
    _open_panel(page, section)
    listed = page.locator(f"{section} .links-list.cited-by li").all_inner_texts()
    assert any("第三十四条" in x for x in listed)
    shot(page, "links-cited-by.png", full_page=False)


def test_open_local_implementations(page, site):
    _url, lib = site
    article = lib.article_in(DAIBIAO_2015, 6)
    page.goto(f"/documents/{DAIBIAO_2015}#p{article.ordinal}")
    section = f"#p{article.ordinal}"
    _open_panel(page, section)
    local = page.locator(f"{section} .links-list.implemented-by")
    assert "浙江" in local.inner_text()
    shot(page, "links-implemented-by.png", full_page=False)


def test_search_hit_expands_its_local_articles(page):
    page.goto("/?q=浙江+代表法第六条")
    details = page.locator("li.hit details.local-hits").first
    details.locator("summary").click()
    assert "浙江" in details.inner_text()
    shot(page, "links-search.png", full_page=False)


def test_bulletin_names_documents_and_sections_get_related_rules(page):
    page.goto("/documents/3aeff7a6f1eb")
    assert "未收录" in page.locator(".named-docs").inner_text()
    assert page.locator(".section-rules li").count() >= 3
    shot(page, "links-bulletin.png", full_page=True)
