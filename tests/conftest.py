"""Shared pytest fixtures: where the read-only shared data lives, and the small real indexes the
tests build once per session.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.support.sources import LINK_SOURCES, copy_sources

# The semantic layer embeds passages (minutes of CPU): off unless a test turns it on
# (tests/semantic/ do, with a small index of their own). Subprocesses inherit this.
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


# The web app over the small index (see tests/web/test_api.py, tests/web/test_pages.py).
@pytest.fixture(scope="session")
def app(small_settings, library):
    """The Flask app on the small index, sharing the session's Library."""
    from tests.support.shapes import checked_app

    return checked_app(
        {"INDEX_DIR": str(small_settings.index_dir), "LIBRARY": library, "TESTING": True}
    )


@pytest.fixture(autouse=True)
def answers_fit_their_models():
    """Every /api answer of a checked app (tests.support.shapes) fits its route's model."""
    yield
    shapes = sys.modules.get("tests.support.shapes")  # loaded by the tests that drive the app
    if shapes is not None:
        shapes.assert_no_mismatch()


@pytest.fixture
def client(app):
    """A test client for the app."""
    return app.test_client()


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


# The small indexes of the fault tests (tests/faults/, helpers in tests/support/faults.py),
# each built once per test session.
@pytest.fixture(scope="session")
def faulty(tmp_path_factory, corpus_dir):
    """A small index the kill tests take turns to update (each leaves it whole)."""
    from tests.support.faults import fresh_index

    return fresh_index(tmp_path_factory.mktemp("faulty"), corpus_dir)


@pytest.fixture(scope="session")
def pristine(tmp_path_factory, corpus_dir):
    """A small index that is only ever copied, and its answers."""
    from tests.support.faults import answers, fresh_index

    settings = fresh_index(tmp_path_factory.mktemp("pristine"), corpus_dir)
    return settings, answers(settings.index_dir)
