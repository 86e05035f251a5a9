"""`kb links REF`: what a passage cites, what cites it, and the local articles implementing it."""

from __future__ import annotations

import json
import re

import click

from cli.common import fail_on_kb_error
from kb.config import load_settings
from kb.library import Library
from kb.links.reading.view import PassageLink
from kb.shapes.links import links_envelope

_PASSAGE_ID = re.compile(r"^[0-9a-f]{12}-\d+$")


def _line(link: PassageLink) -> str:
    """One link: its region (local documents), citation, and the words as written."""
    region = f"[{link.passage.document.region}] " if link.passage.document.region else ""
    words = f"  「{link.text}」" if link.text else ""
    later = "  (a later version: the one cited is not held)" if not link.exact else ""
    return f"  {region}{link.passage.label}{words}{later}"


@click.command("links")
@click.argument("ref")
@click.option(
    "--json", "as_json", is_flag=True, help="Print the /api/passages/<id>/links envelope."
)
@fail_on_kb_error
def command(ref: str, as_json: bool) -> None:
    """Links of REF: a passage id or a citation such as 代表法第四十四条."""
    library = Library(load_settings().index_dir)
    passage_id = ref if _PASSAGE_ID.match(ref) else library.cite(ref).id
    links = library.links(passage_id)
    if as_json:
        click.echo(json.dumps(links_envelope(links), ensure_ascii=False, indent=1))
        return
    click.echo(library.passage(passage_id).citation.label)
    counts = links.counts or {}
    sections = (
        ("引用 (cites)", links.cites, "cites"),
        ("被引用 (cited by)", links.cited_by, "cited_by"),
        ("地方实施 (implemented by)", links.implemented_by, "implemented_by"),
        ("相关规定 (related)", links.related, "related"),
    )
    for title, items, key in sections:
        total = counts.get(key, len(items))
        if not items:
            continue
        click.echo(f"\n{title}: {total}")
        for link in items:
            click.echo(_line(link))
    for u in links.unresolved:
        click.echo(f"\nnot found: 「{u.text}」 ({u.reason})")
