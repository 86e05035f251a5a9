"""`kb index`: build or update the index for the configured corpus, then its passage vectors."""

from __future__ import annotations

import sys

import click

from cli.common import fail_on_kb_error, progress_reporter
from indexer.build import build_index
from kb.access import everything_dir
from kb.config import load_settings, vectors_enabled
from kb.errors import IndexBusy, KBError


@click.command("index")
@click.option("--rebuild", is_flag=True, help="Build from scratch (beside the live index).")
@click.option(
    "--wait",
    type=float,
    default=0.0,
    show_default=True,
    help="Seconds to wait if another kb index is running.",
)
@click.option("--no-vectors", is_flag=True, help="Skip the passage vectors (semantic search).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@fail_on_kb_error
def command(rebuild: bool, wait: float, no_vectors: bool, quiet: bool) -> None:
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
    if stats.everything is not None:
        e = stats.everything
        click.echo(
            f"with {stats.internal} internal file(s), {e.mode} build {e.build} of everything: "
            f"{e.documents} documents, {e.passages} passages"
        )
    sys.stdout.flush()
    if not no_vectors and vectors_enabled():
        embed_vectors(settings.index_dir, quiet, wait)
        if stats.everything is not None:
            embed_vectors(everything_dir(settings.index_dir), quiet, wait)


def embed_vectors(index_dir, quiet: bool, wait: float = 0.0) -> None:
    """Complete the live build's vectors; the lexical index is live whatever happens here."""
    from indexer.embed import embed_build
    from kb.semantic.encoder import Encoder

    try:
        encoder = Encoder()
        with progress_reporter("embedding", quiet) as progress:
            v = embed_build(index_dir, encoder, progress=progress, wait=wait)
    except IndexBusy as exc:  # `kb serve`'s filler or another `kb index`: it covers this build
        click.echo(f"vectors: {exc}", err=True)
        return
    except KBError as exc:
        click.echo(f"vectors not computed: {exc} (lexical search works)", err=True)
        return
    except KeyboardInterrupt:
        click.echo(
            "interrupted while embedding: the index is live and every finished chunk of vectors "
            "is kept; `kb index` goes on from there",
            err=True,
        )
        sys.exit(130)
    rate = f", {v.per_second:.1f} passages/s" if v.embedded else ""
    click.echo(
        f"vectors for {v.build}: {v.passages} passages, {v.embedded} embedded{rate} "
        f"in {v.seconds:.1f}s ({encoder.tag})"
    )
