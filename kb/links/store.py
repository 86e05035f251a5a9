"""The link files of a build: references.json (found per document) and links.json (resolved)."""

from __future__ import annotations

import json
import os
from pathlib import Path

REFERENCES = "references.json"  # doc id → kb.links.indexing.extract.document_references output
LINKS = "links.json"  # kb.links.indexing.build.build_links output


def write_json(path: Path, data: dict) -> None:
    """Write JSON beside `path` and rename it in place: a hard-linked copy from the previous
    build (an incremental update) is replaced, never written through."""
    tmp = path.with_name(path.name + ".tmp")
    text = json.dumps(
        data, ensure_ascii=False, separators=(",", ":")
    )  # C encoder: json.dump is not
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def read_json(path: Path) -> dict:
    """The JSON object in `path` (OSError / ValueError when it is missing or damaged)."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if not isinstance(data, dict):
        raise ValueError(f"{path.name} holds no JSON object")
    return data
