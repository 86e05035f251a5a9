"""`kb search`: ranked, cited passages on the terminal (or the API's JSON envelope)."""

from __future__ import annotations

import json

import click

from cli.common import fail_on_kb_error
from kb.config import load_settings
from kb.library import Library
from kb.semantic.fusion import MODES
from kb.shapes.search import search_envelope


@click.command("search")
@click.argument("query")
@click.option("--limit", default=10, show_default=True, type=int)
@click.option("--offset", default=0, show_default=True, type=int)
@click.option("--kind", "kinds", multiple=True, help="Only this kind (repeatable).")
@click.option("--region", "regions", multiple=True, help="Only this province (repeatable).")
@click.option("--as-of", "as_of", help="Versions in force on this date (YYYY-MM-DD).")
@click.option("--all-versions", is_flag=True, help="Include superseded versions.")
@click.option(
    "--mode",
    type=click.Choice(MODES),
    default="auto",
    show_default=True,
    help="auto: a semantic pass for questions in words; lexical for citations and phrases.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the /api/search JSON envelope.")
@fail_on_kb_error
def command(query, limit, offset, kinds, regions, as_of, all_versions, mode, as_json) -> None:
    """Search the index for QUERY."""
    library = Library(load_settings().index_dir)
    result = library.search(
        query,
        limit=limit,
        offset=offset,
        kinds=tuple(kinds),
        regions=tuple(regions),
        as_of=as_of,
        versions="all" if all_versions else "current",
        mode=mode,
    )
    if as_json:
        click.echo(json.dumps(search_envelope(result), ensure_ascii=False, indent=1))
        return
    ran = result.understood.get("mode", "lexical")
    click.echo(f"{result.total} passages for 「{result.query}」 ({ran}, {result.took_ms:.1f} ms)")
    for i, hit in enumerate(result.hits, result.offset + 1):
        status = "" if hit.document.status == "current" else f" [{hit.document.status}]"
        if hit.earlier_version_of:
            status += " (the hit above before the revision)"
        click.echo(f"\n{i}. {hit.citation.label}{status}  score {hit.score:.3f}")
        click.echo(f"   {hit.snippet.text}")
