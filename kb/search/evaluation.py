"""Relevance evaluation: R@10, R@100, MRR@10 and nDCG@10 over judged queries (../shared/eval)."""

from __future__ import annotations

import json
import math
import re
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kb.errors import BadQuery


@dataclass(frozen=True)
class Ranked:
    """The part of a result the judgments look at."""

    source: str
    title: str
    article: int | None
    text: str


@dataclass(frozen=True)
class Judged:
    """One judged query."""

    id: str
    query: str
    kind: str
    as_of: str | None
    relevant: tuple[dict, ...]


def load_judged(paths: Iterable[Path]) -> list[Judged]:
    """Read judged queries from JSONL files (format: ../shared/eval/README.md)."""
    out = []
    for path in paths:
        for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                out.append(
                    Judged(
                        obj["id"],
                        obj["query"],
                        obj.get("kind", "stard"),
                        obj.get("as_of"),
                        tuple(obj["relevant"]),
                    )
                )
            except (ValueError, KeyError) as exc:
                raise BadQuery(f"{path}:{n}: not a judged query ({exc})") from exc
    return out


def _fold(title: str) -> str:
    return re.sub(r"[\s、]", "", title).replace("（", "(").replace("）", ")")


def matches(item: Ranked, entry: dict) -> bool:
    """Whether a ranked passage satisfies a relevance entry (rules of the eval README)."""
    if "grade" in entry:  # domain judgments: version file + article, or file + snippet
        if item.source != entry["version_file"]:
            return False
        if entry.get("article") is None:
            return entry["snippet"] in item.text
        return item.article == entry["article"]
    if (
        item.article is not None
        and item.article == entry["article"]
        and _fold(item.title) == _fold(entry["title"])
    ):
        return True
    return entry["snippet"] in item.text


@dataclass
class Scores:
    """Per-query metrics."""

    recall10: float
    recall100: float
    mrr10: float
    ndcg10: float
    first_grade2: int | None  # rank (1-based) of the first grade-2 entry found
    recall10_grade2: float | None = None  # R@10 over grade-2 entries only (domain judgments)


def score_ranking(judged: Judged, ranking: list[Ranked]) -> Scores:
    """Metrics for one ranked list; each relevant entry counts at most once."""
    found: dict[int, int] = {}  # entry index → rank
    gains = []
    for rank, item in enumerate(ranking[:100], 1):
        gain = 0.0
        for i, entry in enumerate(judged.relevant):
            if i not in found and matches(item, entry):
                found[i] = rank
                gain = max(gain, float(entry.get("grade", 1)))
                break
        gains.append(gain)
    n = len(judged.relevant)
    first = min(found.values(), default=None)
    ideal = sorted((float(e.get("grade", 1)) for e in judged.relevant), reverse=True)[:10]
    dcg = sum(g / math.log2(r + 1) for r, g in enumerate(gains[:10], 1))
    idcg = sum(g / math.log2(r + 1) for r, g in enumerate(ideal, 1))
    grade2 = [
        found[i] for i, e in enumerate(judged.relevant) if e.get("grade", 2) == 2 and i in found
    ]
    g2 = [i for i, e in enumerate(judged.relevant) if e.get("grade", 2) == 2]
    return Scores(
        recall10_grade2=sum(1 for i in g2 if found.get(i, 99) <= 10) / len(g2) if g2 else None,
        recall10=sum(1 for r in found.values() if r <= 10) / n,
        recall100=len(found) / n,
        mrr10=1.0 / first if first and first <= 10 else 0.0,
        ndcg10=dcg / idcg if idcg else 0.0,
        first_grade2=min(grade2, default=None),
    )


@dataclass
class Report:
    """Averages overall and per kind, plus latencies."""

    overall: dict[str, float]
    by_kind: dict[str, dict[str, float]]
    latency_ms: dict[str, float]
    failures: list[str] = field(default_factory=list)


def _average(scores: list[Scores]) -> dict[str, float]:
    return {
        "queries": len(scores),
        "R@10": statistics.fmean(s.recall10 for s in scores),
        "R@100": statistics.fmean(s.recall100 for s in scores),
        "MRR@10": statistics.fmean(s.mrr10 for s in scores),
        "nDCG@10": statistics.fmean(s.ndcg10 for s in scores),
        "grade2@1": statistics.fmean(1.0 if s.first_grade2 == 1 else 0.0 for s in scores),
        "R@10 g2": statistics.fmean(
            s.recall10_grade2 if s.recall10_grade2 is not None else s.recall10 for s in scores
        ),
    }


def latency_summary(ms: Sequence[float]) -> dict[str, float]:
    """mean, p50, p95, p99 and max of latencies (numpy's linear percentiles); zeros when empty."""
    if not len(ms):
        return dict.fromkeys(("mean", "p50", "p95", "p99", "max"), 0.0)
    times = np.asarray(ms, dtype=float)
    p50, p95, p99 = np.percentile(times, (50, 95, 99))
    return {
        "mean": float(times.mean()),
        "p50": float(p50),
        "p95": float(p95),
        "p99": float(p99),
        "max": float(times.max()),
    }


def evaluate(judged: list[Judged], run: Callable[[Judged], tuple[list[Ranked], float]]) -> Report:
    """Run every query through `run` (→ ranking, milliseconds) and aggregate the metrics."""
    per_kind: dict[str, list[Scores]] = defaultdict(list)
    times, failures = [], []
    for j in judged:
        ranking, ms = run(j)
        times.append(ms)
        s = score_ranking(j, ranking)
        per_kind[j.kind].append(s)
        if j.kind == "citation" and s.first_grade2 != 1:
            failures.append(f"{j.id} {j.query}: grade-2 article at rank {s.first_grade2}")
    everything = [s for v in per_kind.values() for s in v]
    return Report(
        _average(everything),
        {k: _average(v) for k, v in sorted(per_kind.items())},
        latency_summary(times),
        failures,
    )


def report_lines(name: str, report: Report) -> list[str]:
    """A report as a plain-text table: overall and per kind, latency, citation misses."""
    lines = [f"== {name}"]
    cols = ("queries", "R@10", "R@100", "MRR@10", "nDCG@10", "grade2@1", "R@10 g2")
    lines.append(f"{'kind':<12}" + "".join(f"{c:>10}" for c in cols))
    for kind, row in [("overall", report.overall), *report.by_kind.items()]:
        lines.append(
            f"{kind:<12}"
            + "".join(f"{row[c]:>10.0f}" if c == "queries" else f"{row[c]:>10.3f}" for c in cols)
        )
    lat = report.latency_ms
    lines.append(
        f"latency ms: mean {lat['mean']:.1f}  p50 {lat['p50']:.1f}  p95 {lat['p95']:.1f}"
        f"  p99 {lat['p99']:.1f}  max {lat['max']:.1f}"
    )
    lines += [f"  citation miss: {f}" for f in report.failures]
    return lines
