"""`kb check`: parse the corpus without indexing; report documents, versions, skips, anomalies."""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from pathlib import Path

import click

from cli.check_references import echo_references, references_summary
from cli.common import fail_on_kb_error, progress_reporter
from corpus.collection import Collection, load_collection
from kb.config import WORKING_CORES, load_settings
from kb.links.indexing.extract import document_references
from kb.models import KINDS, Document


def _summary(document: Document, collection: Collection) -> dict:
    roles = collection.roles.get(document.id, {})
    return {
        "source": document.source,
        "title": document.title,
        "subtitle": document.subtitle,
        "kind": document.kind,
        "version_date": document.version_date,
        "version_label": document.version_label,
        "status": document.status,
        "articles": roles.get("article", 0),
        "items": roles.get("item", 0),
        "passages": sum(roles.values()),
        "duplicate_of": collection.duplicates.get(document.id),
    }


def report(collection: Collection, folders: list[Path], seconds: float) -> dict:
    """The JSON shape of `kb check --json` (new keys may be added)."""
    return {
        "folders": [str(f) for f in folders],
        "seconds": round(seconds, 2),
        "documents": [_summary(d, collection) for d in collection.documents],
        "skipped": [{"source": s.source, "reason": s.reason} for s in collection.skipped],
        "anomalies": [{"source": a.source, "detail": a.detail} for a in collection.anomalies],
        "references": references_summary(collection),
    }


def _versioned_works(collection: Collection) -> dict[str, list[Document]]:
    works: dict[str, list[Document]] = defaultdict(list)
    for document in collection.documents:
        works[document.work_key].append(document)
    return {
        key: sorted(docs, key=lambda d: (d.version_date or "", d.source))
        for key, docs in works.items()
        if len({d.version_date for d in docs}) > 1
    }


def _echo_kinds(collection: Collection) -> None:
    docs, passages = Counter(), Counter()
    for document in collection.documents:
        docs[document.kind] += 1
        passages[document.kind] += sum(collection.roles.get(document.id, {}).values())
    click.echo("Documents and passages by kind:")
    for kind in KINDS:
        if docs[kind]:
            pad = "\u3000" * (5 - len(kind))  # kinds are 2–5 full-width characters
            click.echo(f"  {kind}{pad}{docs[kind]:>6} documents {passages[kind]:>8} passages")


def _echo_versions(collection: Collection) -> None:
    works = _versioned_works(collection)
    click.echo(f"Works with several versions: {len(works)}")
    for documents in works.values():
        dates = ", ".join(f"{d.version_date} ({d.status})" for d in documents)
        click.echo(f"  {documents[-1].title}: {dates}")
    click.echo(f"Duplicate copies (hidden in search): {len(collection.duplicates)}")


def echo_report(collection: Collection, seconds: float) -> None:
    """Human-readable report."""
    total = sum(sum(counts.values()) for counts in collection.roles.values())
    click.echo(
        f"{len(collection.documents)} documents, {total} passages, "
        f"{len(collection.skipped)} skipped, {len(collection.anomalies)} anomalies "
        f"({seconds:.1f} s)"
    )
    _echo_kinds(collection)
    _echo_versions(collection)
    click.echo(f"Skipped files: {len(collection.skipped)}")
    for skip in collection.skipped:
        click.echo(f"  {skip.source}: {skip.reason}")
    anomalous = len({a.source for a in collection.anomalies})
    click.echo(f"Anomalies: {len(collection.anomalies)} in {anomalous} documents")
    for anomaly in collection.anomalies:
        click.echo(f"  {anomaly.source}: {anomaly.detail}")
    echo_references(references_summary(collection))


@click.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON report.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.option(
    "--processes",
    type=click.IntRange(1, 64),
    default=None,
    help="Parser processes (default: up to 2, one per core).",
)
@fail_on_kb_error
def command(paths: tuple[Path, ...], as_json: bool, quiet: bool, processes: int | None) -> None:
    """Parse documents without indexing; report what was read, skipped or looks odd."""
    folders = [p.resolve() for p in paths] or list(load_settings().corpus_dirs)
    processes = processes or WORKING_CORES
    started = time.perf_counter()
    with progress_reporter("Parsing", quiet) as progress:
        collection = load_collection(
            folders, progress, processes, keep_passages=False, references=document_references
        )
    seconds = time.perf_counter() - started
    if as_json:
        click.echo(json.dumps(report(collection, folders, seconds), ensure_ascii=False, indent=1))
    else:
        echo_report(collection, seconds)
