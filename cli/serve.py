"""`kb serve`: build the index if there is none, then serve the page and the API (web.serving:
gunicorn workers on POSIX, one waitress process elsewhere or when asked)."""

from __future__ import annotations

import functools
import sys

import click

from cli.common import fail_on_kb_error, progress_reporter
from indexer.build import build_index
from indexer.filler import start_filler, stop_filler
from kb.config import Settings, load_settings, vectors_enabled
from kb.errors import IndexMissing
from kb.store import Store
from web import create_app
from web.serving import SERVERS, bind, choose_server, serve


def ensure_index(settings: Settings, quiet: bool) -> None:
    """Build the index (with a progress bar) when the index folder has no usable build."""
    try:
        Store(settings.index_dir).current()
        return
    except IndexMissing as exc:  # IndexCorrupt too
        click.echo(f"{exc}\nbuilding it now …", err=True)
    with progress_reporter("indexing", quiet) as progress:
        stats = build_index(settings, progress=progress)
    click.echo(
        f"built {stats.build}: {stats.documents} documents, {stats.passages} passages "
        f"in {stats.seconds:.1f}s",
        err=True,
    )


@click.command("serve")
@click.option("--host", help="Address to listen on [default: KB_HOST or 127.0.0.1].")
@click.option("--port", type=int, help="Port (0 picks a free one) [default: KB_PORT or 8000].")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    help="Server processes [default: KB_WORKERS or one per core, up to 2].",
)
@click.option(
    "--threads", type=click.IntRange(1, 256), help="Threads per process [default: KB_THREADS or 2]."
)
@click.option(
    "--server",
    type=click.Choice(SERVERS),
    envvar="KB_SERVER",
    help="gunicorn (a master and its workers) or waitress (one process, --workers ignored) "
    "[default: KB_SERVER, else gunicorn where it can run].",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar while building the index.")
@fail_on_kb_error
def command(host, port, workers, threads, server, quiet) -> None:
    """Serve the search page and the JSON API (builds the index first if there is none)."""
    settings = load_settings(host=host, port=port, workers=workers, threads=threads)
    try:
        server = choose_server(server)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    ensure_index(settings, quiet)
    workers = settings.workers if server == "gunicorn" else 1
    sock = bind(settings.host, settings.port)
    bound_host, bound_port = sock.getsockname()[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    click.echo(
        f"serving http://{shown}:{bound_port}/ with {server}, {workers} worker(s) x "
        f"{settings.threads} threads (Ctrl-C to stop)"
    )
    sys.stdout.flush()
    # lexical at once; hybrid by itself once the vectors are complete
    filler = start_filler(settings.index_dir) if vectors_enabled() else None
    make_app = functools.partial(create_app, {"INDEX_DIR": str(settings.index_dir)})
    try:
        serve(make_app, sock, workers, settings.threads, server)
    finally:  # else the exit would wait for the filler, which never ends by itself
        if filler is not None:
            stop_filler(filler)
    click.echo("stopped")
