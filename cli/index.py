"""`kb index`: build or update the index for the configured corpus."""

from __future__ import annotations

import sys

import click

from cli.common import fail_on_kb_error, progress_reporter
from indexer.build import build_index
from kb.config import load_settings


@click.command("index")
@click.option("--rebuild", is_flag=True, help="Build from scratch (beside the live index).")
@click.option(
    "--wait",
    type=float,
    default=0.0,
    show_default=True,
    help="Seconds to wait if another kb index is running.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@fail_on_kb_error
def command(rebuild: bool, wait: float, quiet: bool) -> None:
    """Index the documents in KB_CORPUS_DIR into KB_INDEX_DIR (only what changed)."""
    settings = load_settings()
    with progress_reporter("indexing", quiet) as progress:
        stats = build_index(settings, rebuild=rebuild, progress=progress, wait=wait)
    for s in stats.skipped:
        click.echo(f"skipped {s.source}: {s.reason}", err=True)
    click.echo(
        f"{stats.mode} build {stats.build}: {stats.documents} documents, {stats.passages} passages "
        f"(+{stats.added} ~{stats.changed} -{stats.removed}, {len(stats.skipped)} skipped) "
        f"in {stats.seconds:.1f}s"
    )
    sys.stdout.flush()
