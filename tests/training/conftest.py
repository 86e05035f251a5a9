"""Fixtures of the training-pair tests: the synthetic corpus, parsed once."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.training_corpus import write_corpus
from training.articles import ArticleTable


@pytest.fixture(scope="session")
def training_corpus(tmp_path_factory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("training-corpus"))


@pytest.fixture(scope="session")
def table(training_corpus: Path) -> ArticleTable:
    return ArticleTable.from_corpus([training_corpus])
