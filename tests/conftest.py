"""Shared pytest fixtures: where the read-only shared data lives."""

from __future__ import annotations

from pathlib import Path

import pytest

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
