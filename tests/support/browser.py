"""Headless Chromium for the page tests: Debian's binary, its flags, screenshots, a served site."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def shot(page, name: str, full_page: bool = True) -> None:
    """Save a screenshot under tests/artifacts."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=full_page)


@contextlib.contextmanager
def served(index_dir, corpus_dir, threads: int = 4) -> Iterator[str]:
    """A real `kb serve` (one worker) on the index, healthy; yields its URL, stops it after."""
    from tests.support.serve import kb_serve, wait_healthy

    with kb_serve(index_dir, corpus_dir, workers=1, threads=threads) as (proc, port):
        wait_healthy(port, proc)
        yield f"http://127.0.0.1:{port}"


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """Debian's chromium driven by Playwright (never a downloaded browser)."""
    import pytest

    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()
