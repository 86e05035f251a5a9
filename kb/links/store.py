"""The link files of a build: references.json (found per document) and links.json (resolved)."""

from __future__ import annotations

import json
from pathlib import Path

from kb.store import write_atomic

REFERENCES = "references.json"  # doc id → kb.links.indexing.extract.document_references output
LINKS = "links.json"  # kb.links.indexing.build.build_links output


def write_json(path: Path, data: dict) -> None:
    """Replace `path` with `data` as JSON, atomically: a hard-linked copy from the previous
    build (an incremental update) is replaced, never written through."""
    # json.dumps uses the C encoder, json.dump does not
    write_atomic(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def read_json(path: Path) -> dict:
    """The JSON object in `path` (OSError / ValueError when it is missing or damaged)."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if not isinstance(data, dict):
        raise ValueError(f"{path.name} holds no JSON object")
    return data
