"""oneal2000/STARD: every STARD question (to keep them out of the other sources) and its split.

Our STARD train pairs are ../shared/eval/stard-train.jsonl as it is (already mapped onto the
corpus); STARD's repository gives the other questions: data/queries.json holds all 1,543 and
data/example/train.query.txt the ids of the train split, so every other question is held out
(STARD's dev split) and must never be trained on.
"""

from __future__ import annotations

import json
from pathlib import Path

from training.sources import STARD, read_file

ALL = "data/queries.json"
TRAIN_IDS = "data/example/train.query.txt"


def all_questions(root: Path) -> list[tuple[str, str]]:
    """(stard-<id>, question) for every STARD question."""
    rows = json.loads(read_file(STARD, root, ALL))
    return [(f"stard-{r['query_id']}", r["问题"]) for r in rows]


def train_ids(root: Path) -> set[str]:
    """The ids of STARD's train split."""
    text = read_file(STARD, root, TRAIN_IDS)
    return {f"stard-{line.split(chr(9))[0].strip()}" for line in text.splitlines() if line.strip()}


def held_out(root: Path) -> list[tuple[str, str]]:
    """The questions outside STARD's train split."""
    train = train_ids(root)
    return [(qid, q) for qid, q in all_questions(root) if qid not in train]


def train_records(path: Path) -> list[dict]:
    """stard-train.jsonl as records."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]
