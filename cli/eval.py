"""`kb eval`: score relevance-judged queries (R@10, R@100, MRR@10, nDCG@10)."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

import click

from cli.common import fail_on_kb_error
from kb.config import load_settings
from kb.library import Library
from kb.query.lexicon import related_sources
from kb.search.evaluation import Judged, Ranked, evaluate, load_judged, report_lines
from kb.semantic.fusion import MODES


def _ours(library: Library, mode: str = "auto"):
    def run(j: Judged) -> tuple[list[Ranked], float]:
        started = time.perf_counter()
        library.search(j.query, limit=10, as_of=j.as_of, mode=mode)  # a user's request, timed
        ms = (time.perf_counter() - started) * 1000
        result = library.search(j.query, limit=100, as_of=j.as_of, mode=mode)
        return [
            Ranked(h.document.source, h.document.title, h.article, h.text) for h in result.hits
        ], ms

    return run


@click.command("eval")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--sample", type=int, help="Evaluate a random sample of N queries (seed 0).")
@click.option("--mode", type=click.Choice(MODES), default="auto", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.option("--quiet", "-q", is_flag=True)
@fail_on_kb_error
def command(files, sample, mode, as_json, quiet) -> None:
    """Score the judged queries in FILES (JSONL, format of ../shared/eval)."""
    settings = load_settings()
    judged = load_judged(Path(f) for f in files)
    learned_from = set(related_sources()) & {Path(f).name for f in files}
    if learned_from:
        click.echo(
            f"note: kb/data/related.tsv was learned from {', '.join(sorted(learned_from))}: scores "
            "on those questions are in-sample; `bench/learn_related.py --cv` gives held-out ones",
            err=True,
        )
    if sample and sample < len(judged):
        judged = random.Random(0).sample(judged, sample)
    library = Library(settings.index_dir)
    library.warm()  # latency is measured as a running server sees it
    reports = {"kb": evaluate(judged, _ours(library, mode))}
    if as_json:
        click.echo(
            json.dumps({k: r.__dict__ for k, r in reports.items()}, ensure_ascii=False, indent=1)
        )
        return
    for name, report in reports.items():
        click.echo("\n".join(report_lines(name, report)))
