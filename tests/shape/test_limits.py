"""Each limit of a request (query length, page size, offset, text to check …) is defined once,
in kb.config, and read from there by the web forms, the OpenAPI document and the MCP tools."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.shape.test_layers import PRODUCT, REPO

LIMITS = (
    "MAX_QUERY_CHARS",
    "MAX_LIMIT",
    "MAX_OFFSET",
    "MAX_VALUES",
    "MAX_ID_CHARS",
    "MAX_SUGGEST_CHARS",
    "MAX_SUGGESTIONS",
    "MAX_VERIFY_CHARS",
)


def _defined(name: str) -> list[str]:
    """Product modules that assign `name` at module level."""
    where = []
    for root in PRODUCT:
        for path in sorted((REPO / root).rglob("*.py")) if (REPO / root).is_dir() else ():
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in tree.body:
                targets = node.targets if isinstance(node, ast.Assign) else []
                if isinstance(node, ast.AnnAssign):
                    targets = [node.target]
                if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                    where.append(str(Path(path).relative_to(REPO)))
    return where


@pytest.mark.parametrize("name", LIMITS)
def test_each_limit_is_defined_once_in_config(name):
    assert _defined(name) == ["kb/config.py"]
