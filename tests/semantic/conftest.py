"""Fixtures of the semantic layer's tests."""

from __future__ import annotations

import pytest

from kb.semantic.encoder import Encoder
from tests.semantic.test_question_lora import base_name, random_lora


@pytest.fixture
def cached_lora(tmp_path, monkeypatch):
    """A random question LoRA for the model (a file in tmp_path), its merged question weights
    and their packed copy cached in tmp_path/cache."""
    monkeypatch.setenv("KB_ENCODER_CACHE", str(tmp_path / "cache"))
    path = tmp_path / "lora.npz"
    random_lora(path, base_name(Encoder(question_lora=None)))
    return path
