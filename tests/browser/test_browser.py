"""Headless Chromium (Debian's, via Playwright) against a real `kb serve` on a loopback port."""

from __future__ import annotations

import re

import pytest

from tests.support.browser import ARGS, CHROMIUM, served, shot

EVIL = "<script>alert(1)</script>"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's chromium at /usr/bin/chromium (make browser-deps)",
    ),
]


@pytest.fixture(scope="module")
def base_url(small_settings):
    """`kb serve --port 0 --workers 1` on the small index; yields its URL, stops it after."""
    with served(small_settings.index_dir, small_settings.corpus_dirs[0]) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, driven by Playwright (never a downloaded browser)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, base_url):
    """A fresh page (clipboard allowed) that fails the test on console errors or dialogs."""
    context = browser.new_context(
        base_url=base_url,
        viewport={"width": 1280, "height": 900},
        permissions=["clipboard-read", "clipboard-write"],
    )
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("dialog", lambda d: (page.problems.append(f"dialog: {d.message}"), d.dismiss()))
    yield page
    problems = page.problems
    context.close()
    assert not problems  # CSP violations, script errors and alert() all land here


def search(page, query: str) -> None:
    page.goto("/")
    page.evaluate("document.activeElement.blur()")  # the landing page autofocuses the box
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type(query)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_search_filter_paginate(page):
    search(page, "代表")
    assert page.locator("li.hit").count() == 10
    shot(page, "results.png")
    page.check("input[name=kind][value='法律']")
    with page.expect_navigation():
        page.click(".facet-actions button")
    assert "kind=%E6%B3%95%E5%BE%8B" in page.url
    kinds = page.locator("li.hit .badge.kind").all_inner_texts()
    assert kinds and set(kinds) == {"法律"}
    with page.expect_navigation():
        page.click("a.next")
    assert "offset=10" in page.url and page.locator("li.hit").count() > 0


def test_open_result_and_switch_version(page):
    search(page, "代表法第四十四条")
    first = page.locator("li.hit.answer h3 a").first
    with page.expect_navigation():
        first.click()
    assert re.search(r"/documents/\w+#p\d+$", page.url)
    target = page.locator(":target")
    assert "第四十四条" in target.inner_text()
    assert target.evaluate("e => getComputedStyle(e).outlineStyle") == "solid"
    shot(page, "document.png", full_page=False)
    version = page.locator("nav.versions a[data-version]").first
    at = page.url.rsplit("#p", 1)[1]  # the script sends the passage in view, not a number
    assert re.search(rf"/documents/\w+/in/\w+\?p={at}$", version.get_attribute("href"))
    with page.expect_navigation():
        version.click()
    assert re.search(r"/documents/\w+\?p=\d+#p\d+$", page.url)
    assert "第三十六条" in page.locator(":target").inner_text()  # 2015's number for it
    assert page.locator(".badge.status-superseded").count() >= 1


def test_copy_citation(page):
    search(page, "选举法第三十条")
    button = page.locator("li.hit.answer button.copy").first
    label = page.locator("li.hit.answer h3").first.inner_text()
    button.click()
    page.wait_for_function("document.body.dataset.copied !== undefined")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith(label + "\n第三十条")
    assert button.inner_text() == "已复制"


def test_script_in_query_is_text(page):
    search(page, EVIL)
    assert page.input_value("#q") == EVIL
    assert EVIL in page.locator(".results").inner_text()
    assert page.evaluate("document.querySelectorAll('script:not([src])').length") == 0


def test_works_without_javascript(browser, base_url):
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/")
    page.fill("#q", "代表法第四十四条")
    with page.expect_navigation():
        page.click(".searchbar button")
    assert page.locator("li.hit.answer").count() >= 1
    assert not page.locator("button.copy").first.is_visible()  # shown only by the script
    with page.expect_navigation():
        page.locator("li.hit h3 a").first.click()
    assert "第四十四条" in page.locator(":target").inner_text()
    context.close()


def test_phone_layout(browser, base_url):
    context = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto("/?q=选举法第三十条")
    width = page.evaluate("document.documentElement.scrollWidth")
    shot(page, "results-phone.png")
    context.close()
    assert width <= 390


def test_compare_filter_and_follow_a_row(page):
    page.goto("/documents/5c72d24d3df2")  # 代表法 (2025), whose versions list offers 对照
    with page.expect_navigation():
        page.click("nav.versions a.compare-link")
    assert "/compare?from=" in page.url
    assert page.locator("tr.pair.status-unchanged").count() >= 1
    shot(page, "compare.png", full_page=False)
    with page.expect_navigation():
        page.click(".compare-filters a[data-show=changes]")
    assert page.locator("tr.pair.status-unchanged").count() == 0
    assert page.locator("tr.pair.status-renumbered").count() > 0
    assert page.locator("tr.pair del").count() and page.locator("tr.pair ins").count()
    shot(page, "compare-changes.png", full_page=False)
    page.emulate_media(media="print")
    assert not page.locator(".compare-filters").is_visible()
    shot(page, "compare-print.png", full_page=False)
    page.emulate_media(media="screen")
    link = page.locator("tr.pair.status-renumbered a[data-side=new]").first
    label = link.inner_text()
    with page.expect_navigation():
        link.click()
    assert re.search(r"/documents/\w+\?p=\d+#p\d+$", page.url)
    assert page.locator(":target").inner_text().startswith(label)
    shot(page, "compare-article.png", full_page=False)
    with page.expect_navigation():
        page.locator(":target a.history-link").click()
    assert page.locator(".history-version").count() == 2
    shot(page, "history.png")


def test_suggestions_by_keyboard(page):
    """Type a name, pick a suggestion with the arrow keys and Enter, then an article of it."""
    page.goto("/")
    page.focus("#q")
    page.keyboard.type("代表")
    listbox = page.locator("#q-suggest")
    listbox.wait_for(state="visible")
    box = page.locator("#q")
    assert box.get_attribute("role") == "combobox"
    assert box.get_attribute("aria-expanded") == "true"
    assert listbox.get_attribute("role") == "listbox"
    page.keyboard.press("ArrowDown")
    first = listbox.locator("[role=option]").first
    assert first.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    chosen = first.get_attribute("data-text")
    page.keyboard.press("Enter")
    assert page.input_value("#q") == chosen and listbox.is_hidden()
    assert box.get_attribute("aria-expanded") == "false"
    page.keyboard.type("第四")
    from playwright.sync_api import expect

    expect(listbox.locator(".s-label").first).to_have_text("第四条")
    shot(page, "suggestions.png", full_page=False)
    labels = listbox.locator(".s-label").all_inner_texts()
    assert labels[:3] == ["第四条", "第四十条", "第四十一条"]
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    assert page.input_value("#q") == chosen + "第四条"
    with page.expect_navigation():
        page.keyboard.press("Enter")  # the list is closed: Enter searches
    assert page.locator("li.hit.answer h3").first.inner_text().endswith("第四条")
    page.keyboard.press("/")
    page.keyboard.type("x")
    page.keyboard.press("Escape")
    assert listbox.is_hidden()


def test_why_this_matched(page):
    search(page, "常委会 代表建议")
    why = page.locator("li.hit details.why").first
    assert not why.locator("ul").is_visible()
    why.locator("summary").click()
    assert "同义词「常务委员会」" in why.inner_text()


def test_verify_page(page):
    page.goto("/")
    with page.expect_navigation():
        page.click("nav.site-nav a")
    assert page.url.endswith("/verify")
    page.fill(
        "#verify-text",
        "宪法第二条规定：“中华人民共和国的一切权利属于人民。”"
        "“国家机构实行民主集中制的原则”（宪法第三条）。《中华人民共和国梦想法》第一条。"
        "选举法第九百条。",
    )
    with page.expect_navigation():
        page.click(".verify-form button")
    verdicts = page.locator("li.verdict")
    assert verdicts.count() == 4
    assert page.locator("li.verdict .verdict-head .badge").all_inner_texts() == [
        "引文有误",
        "准确",
        "未收录",
        "无此条款",
    ]
    diff = verdicts.first.locator(".diff")
    assert diff.locator("del").inner_text() == "利" and diff.locator("ins").inner_text() == "力"
    shot(page, "verify.png")
