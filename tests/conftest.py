"""Shared pytest fixtures: where the read-only shared data lives, and the small real indexes the
tests build once per session.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# The semantic layer embeds passages (minutes of CPU): off unless a test turns it on
# (tests/test_semantic*.py do, with a small index of their own). Subprocesses inherit this.
os.environ.setdefault("KB_VECTORS", "off")

# The shared data sits beside the repository: <workspace>/shared next to <workspace>/main.
SHARED_DIR = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The read-only shared folder (corpus, corpus-formats, eval)."""
    return SHARED_DIR


@pytest.fixture(scope="session")
def formats_dir(shared_dir: Path) -> Path:
    """Loader test inputs: the same texts as html, docx, pdf and txt files, with a manifest."""
    return shared_dir / "corpus-formats"


@pytest.fixture(scope="session")
def corpus_dir(shared_dir: Path) -> Path:
    """The default document collection as Markdown."""
    return shared_dir / "corpus"


# A handful of real documents for a small real index, built once per test session.
SMALL_SOURCES = (
    "法律/宪法相关法/全国人民代表大会和地方各级人民代表大会代表法(2015-08-29).md",
    "法律/宪法相关法/全国人民代表大会和地方各级人民代表大会代表法(2025-03-11).md",
    "法律/宪法相关法/全国人民代表大会和地方各级人民代表大会选举法(2020-10-17).md",
    "法律/宪法相关法/地方各级人民代表大会和地方各级人民政府组织法(2022-03-11).md",
    "法律/宪法相关法/各级人民代表大会常务委员会监督法(2006-08-27).md",
    "法律/宪法相关法/各级人民代表大会常务委员会监督法(2024-11-08).md",
    "法律/宪法/宪法.md",
    "法律/民法典/总则.md",
    "法律/社会法/劳动合同法(2012-12-28).md",
    "法律/行政法/广告法(2021-04-29).md",
    "法律/经济法/广告法(2021-04-29).md",
    "法律/刑法/刑法修正案（十一）.md",
    "司法解释/最高人民法院关于海事诉讼管辖问题的规定(2016-02-24).md",
    "地方性法规/浙江/浙江省组织实施宪法宣誓制度办法(2015-07-30).md",
    "工作简报/代表工作简报(2024年度第2期).txt",
)


def copy_sources(corpus_dir: Path, target: Path, sources=SMALL_SOURCES) -> Path:
    """Copy some real documents (keeping their relative paths) into `target`."""
    import shutil

    for source in sources:
        dest = target / source
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(corpus_dir / source, dest)
    return target


@pytest.fixture(scope="session")
def small_settings(tmp_path_factory, corpus_dir: Path):
    """Settings for a small real index (read-only: tests that change it build their own)."""
    from indexer.build import build_index
    from kb.config import load_settings

    root = tmp_path_factory.mktemp("small")
    settings = load_settings(
        {}, corpus_dirs=(copy_sources(corpus_dir, root / "corpus"),), index_dir=root / "index"
    )
    build_index(settings, procs=2)
    return settings


@pytest.fixture(scope="session")
def library(small_settings):
    """A Library over the small index."""
    from kb.library import Library

    return Library(small_settings.index_dir)


# The web app over the small index (see tests/test_api.py, tests/test_pages.py).
@pytest.fixture(scope="session")
def app(small_settings, library):
    """The Flask app on the small index, sharing the session's Library."""
    from web import create_app

    return create_app(
        {"INDEX_DIR": str(small_settings.index_dir), "LIBRARY": library, "TESTING": True}
    )


@pytest.fixture
def client(app):
    """A test client for the app."""
    return app.test_client()


def start_kb_serve(index_dir, corpus_dir, workers: int = 1, threads: int = 2, stderr=None):
    """A real `kb serve` on a free loopback port: (process, port). The caller stops it."""
    import os
    import re
    import subprocess
    import sys

    env = {**os.environ, "KB_INDEX_DIR": str(index_dir), "KB_CORPUS_DIR": str(corpus_dir)}
    cmd = [sys.executable, "-c", "import sys; from cli import main; sys.exit(main())", "serve"]
    cmd += ["--host", "127.0.0.1", "--port", "0", "--workers", str(workers)]
    cmd += ["--threads", str(threads), "--quiet"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=stderr, text=True)
    match = re.search(r"http://127\.0\.0\.1:(\d+)/", proc.stdout.readline())
    if not match:
        proc.kill()
        proc.wait()
        raise AssertionError("kb serve printed no address")
    return proc, int(match[1])


# National laws with local measures implementing them and the bulletin: links, 地方实施, 相关规定
# (tests/test_links*.py, tests/test_browser_links.py).
LINK_SOURCES = (
    "法律/宪法相关法/全国人民代表大会和地方各级人民代表大会代表法(2015-08-29).md",
    "法律/宪法相关法/全国人民代表大会和地方各级人民代表大会代表法(2025-03-11).md",
    "法律/宪法相关法/全国人民代表大会和地方各级人民代表大会选举法(2020-10-17).md",
    "法律/宪法相关法/地方各级人民代表大会和地方各级人民政府组织法(2022-03-11).md",
    "法律/宪法/宪法.md",
    "地方性法规/浙江/浙江省实施《全国人民代表大会和地方各级人民代表大会代表法》办法(2016-05-27).md",
    "地方性法规/北京/北京市实施《全国人民代表大会和地方各级人民代表大会代表法》办法(2014-01-22).md",
    "工作简报/代表工作简报(2024年度第2期).txt",
)


@pytest.fixture(scope="session")
def links_settings(tmp_path_factory, corpus_dir: Path):
    """Settings for a small real index of LINK_SOURCES (read-only)."""
    from indexer.build import build_index
    from kb.config import load_settings

    root = tmp_path_factory.mktemp("links")
    settings = load_settings(
        {},
        corpus_dirs=(copy_sources(corpus_dir, root / "corpus", LINK_SOURCES),),
        index_dir=root / "index",
    )
    build_index(settings, procs=2)
    return settings


@pytest.fixture
def runner(small_settings):
    """A click runner for `kb` subcommands, configured for the small index."""
    from click.testing import CliRunner

    return CliRunner(
        env={
            "KB_INDEX_DIR": str(small_settings.index_dir),
            "KB_CORPUS_DIR": str(small_settings.corpus_dirs[0]),
        }
    )


# The small indexes of the fault tests (tests/test_faults_*.py, helpers in tests/faultkit.py),
# each built once per test session.
@pytest.fixture(scope="session")
def faulty(tmp_path_factory, corpus_dir):
    """A small index the kill tests take turns to update (each leaves it whole)."""
    from faultkit import fresh_index

    return fresh_index(tmp_path_factory.mktemp("faulty"), corpus_dir)


@pytest.fixture(scope="session")
def pristine(tmp_path_factory, corpus_dir):
    """A small index that is only ever copied, and its answers."""
    from faultkit import answers, fresh_index

    settings = fresh_index(tmp_path_factory.mktemp("pristine"), corpus_dir)
    return settings, answers(settings.index_dir)
