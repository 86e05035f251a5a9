"""An editor keeps the collection in a real browser (issue 18): sign in, upload a .docx and a
.pdf, read the preview, publish, find it, mark it internal, sign out and see it gone, sign in
as a reader and see its 内部 badge, withdraw, restore; screenshots under tests/artifacts."""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest

from tests.support.browser import CHROMIUM, chromium, served, shot
from tests.support.keep import PASSWORD, docx_bytes, make_collection, pdf_bytes, regulation

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's chromium at /usr/bin/chromium (make browser-deps)",
    ),
]
DOCX_WORD, PDF_WORD = "丹顶鹤", "东方白鹳"


@pytest.fixture(scope="module")
def server(tmp_path_factory, corpus_dir):
    kept = make_collection(tmp_path_factory.mktemp("browser-keep"), corpus_dir)
    with served(kept.settings.index_dir, kept.settings.corpus_dirs[0]) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser, server):
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    staff = context.new_page()
    staff.set_default_timeout(120_000)  # publishing waits for the index update (a busy machine)
    errors: list[str] = []
    staff.on("console", lambda m: m.type == "error" and errors.append(m.text))
    yield staff
    context.close()
    assert not errors


def sign_in(page, name: str) -> None:
    page.goto("/login")
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("form.login-form button[type=submit]")


def sign_out(page) -> None:
    with page.expect_navigation():
        page.click(".staff-nav button")


def upload(page, name: str, mime: str, data: bytes) -> None:
    page.goto("/keep")
    page.set_input_files("#file", files=[{"name": name, "mimeType": mime, "buffer": data}])
    with page.expect_navigation(timeout=90_000):
        page.click("form.upload-form button[type=submit]")


def publish(page, internal: bool = False) -> None:
    if internal:
        page.check("form.publish-form input[name=internal]")
    with page.expect_navigation():
        page.click("form.publish-form button[type=submit]")
    # the page answers once published, or shows the progress and reloads until it is
    page.wait_for_selector(".notice.published", timeout=300_000)
    assert "已发布" in page.inner_text(".notice.published")


def hits_for(page, word: str) -> int:
    page.goto(f"/?q={quote(word)}")
    return page.locator("li.hit").count()


def test_an_editor_keeps_the_collection(page):
    sign_in(page, "editor")
    assert page.url.endswith("/keep")
    title, lines = regulation(DOCX_WORD, 5)
    upload(
        page,
        f"{DOCX_WORD}.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        docx_bytes(title, lines),
    )
    preview = page.inner_text("section.preview")
    assert title in preview and "5 条" in preview and "地方性法规" in preview
    assert f"《{title}》第" in preview  # first passages with their citation labels
    shot(page, "keep-upload-preview.png")
    started = time.monotonic()
    publish(page)
    assert hits_for(page, DOCX_WORD) > 0
    searchable = time.monotonic() - started
    assert searchable < 60, searchable

    title2, lines2 = regulation(PDF_WORD, 3)
    upload(page, f"{PDF_WORD}.pdf", "application/pdf", pdf_bytes(title2, lines2))
    assert title2 in page.inner_text("section.preview")
    publish(page)
    assert hits_for(page, PDF_WORD) > 0

    page.goto(f"/?q={quote(DOCX_WORD)}")
    with page.expect_navigation():
        page.locator("li.hit a[href*='/documents/']").first.click()
    document_url = page.url.split("#")[0].split("?")[0]
    with page.expect_navigation(timeout=120_000):
        page.click(".doc-actions button:has-text('标为内部')")
    assert page.locator(".doc-head .badge.internal").count() == 1
    shot(page, "keep-internal-badge.png")

    sign_out(page)
    assert hits_for(page, DOCX_WORD) == 0
    assert page.request.get(document_url).status == 404
    assert DOCX_WORD not in page.request.get(f"/api/suggest?q={quote(DOCX_WORD[:2])}").text()

    sign_in(page, "reader")
    assert hits_for(page, DOCX_WORD) > 0
    assert page.locator("li.hit .badge.internal").count() > 0
    shot(page, "keep-internal-badge-results.png")
    assert page.locator(".doc-actions").count() == 0
    sign_out(page)

    sign_in(page, "editor")
    page.goto(document_url)
    with page.expect_navigation(timeout=120_000):
        page.click(".doc-actions button:has-text('撤下')")
    assert page.url.endswith("/keep")
    assert hits_for(page, DOCX_WORD) == 0
    page.goto("/keep")
    with page.expect_navigation(timeout=120_000):
        page.locator("table.archive button:has-text('恢复')").first.click()
    assert page.url.split("?")[0] == document_url
    assert hits_for(page, DOCX_WORD) > 0
    sign_out(page)

    sign_in(page, "admin")
    page.goto("/keep/audit")
    log = page.inner_text("table.audit")
    for action in ("upload", "publish", "internal", "withdraw", "restore", "sign in"):
        assert action in log
    shot(page, "keep-audit.png")


def test_an_admin_makes_an_account_and_a_token(page):
    sign_in(page, "admin")
    page.click(".staff-nav a:has-text('账号')")
    page.wait_for_selector("table.accounts")
    page.fill("form.add-account input[name=name]", "deputy")
    page.select_option("form.add-account select[name=role]", "reader")
    page.fill("form.add-account input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form.add-account button[type=submit]")
    row = page.locator("table.accounts tr", has_text="deputy")
    assert "阅读者" in row.inner_text()
    page.fill("form.add-token input[name=name]", "archive-bot")
    with page.expect_navigation():
        page.click("form.add-token button[type=submit]")
    assert page.inner_text("code.token").startswith("kb_")
    shot(page, "keep-accounts.png")
    with page.expect_navigation():
        row.locator("button:has-text('停用')").click()
    assert "已停用" in page.locator("table.accounts tr", has_text="deputy").inner_text()
    sign_out(page)  # (a locked account's refused sign-in: tests/keep/test_accounts.py)
