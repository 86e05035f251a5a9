"""The tutorial stack, for comparison only: jieba's ChineseAnalyzer, one field, OR-grouped QueryParser.

It indexes the same passages as our index so `python -m bench.baseline` and the benchmark compare
ranking and speed on equal terms. It is cached beside our index and rebuilt when the corpus changes.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema
from whoosh.qparser import OrGroup, QueryParser

from kb.config import Settings
from kb.search.evaluation import Ranked
from kb.store import Store


def _schema() -> Schema:
    from jieba.analyse import ChineseAnalyzer  # the tutorial's analyzer, on purpose

    return Schema(
        source=ID(stored=True),
        title=STORED(),
        article=NUMERIC(stored=True),
        content=TEXT(analyzer=ChineseAnalyzer(), stored=True),
    )


def _key(settings: Settings) -> str:
    files = Store(settings.index_dir).meta().get("files", {})
    return hashlib.sha1(json.dumps(files, sort_keys=True).encode()).hexdigest()[:16]


def build_baseline(settings: Settings, progress=None) -> tuple[Path, float]:
    """Build (or reuse) the tutorial index over the live index's passages; returns (path, seconds)."""
    from kb.library import Library

    path = settings.index_dir.parent / "baseline" / _key(settings)
    if (path / "done").is_file():
        return path, float((path / "done").read_text())
    shutil.rmtree(path.parent, ignore_errors=True)
    path.mkdir(parents=True)
    snap = Library(settings.index_dir).snapshot()
    started = time.monotonic()
    ix = whoosh_index.create_in(str(path), _schema())
    with ix.writer() as w:
        for n in range(snap.size):
            if not snap.alive[n]:
                continue
            rec = snap.searcher().stored_fields(n)["record"]
            doc = snap.docs.records[int(snap.passage_doc[n])]
            w.add_document(
                source=doc["source"],
                title=doc["title"],
                article=rec["article"] if rec["article"] is not None else -1,
                content=rec["text"],
            )
            if progress and n % 1000 == 0:
                progress(n, snap.size)
    seconds = time.monotonic() - started
    (path / "done").write_text(f"{seconds:.1f}")
    return path, seconds


class BaselineSearcher:
    """Searches the tutorial index the tutorial way."""

    def __init__(self, path: Path):
        self.ix = whoosh_index.open_dir(str(path))
        self.parser = QueryParser("content", self.ix.schema, group=OrGroup)

    def search(self, query: str, limit: int = 100) -> list[Ranked]:
        """Top `limit` passages for `query`."""
        with self.ix.searcher() as s:
            hits = s.search(self.parser.parse(query), limit=limit)
            return [
                Ranked(
                    h["source"],
                    h["title"],
                    None if h["article"] < 0 else h["article"],
                    h["content"],
                )
                for h in hits
            ]


def main() -> None:
    """Score judged queries (JSONL, format of ../shared/eval) with the tutorial stack."""
    import argparse

    from kb.config import load_settings
    from kb.search.evaluation import evaluate, load_judged, report_lines

    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("files", nargs="+", type=Path)
    args = ap.parse_args()
    settings = load_settings()
    path, seconds = build_baseline(settings)
    print(f"baseline index: {path} (built in {seconds:.0f}s)")
    searcher = BaselineSearcher(path)

    def run(j):
        started = time.perf_counter()
        ranking = searcher.search(j.query, limit=100)
        return ranking, (time.perf_counter() - started) * 1000

    print("\n".join(report_lines("baseline", evaluate(load_judged(args.files), run))))


if __name__ == "__main__":
    main()
