"""`kb history`: one article in every version of its work (历次修改), following renumbering."""

from __future__ import annotations

import json

import click

from cli.common import fail_on_kb_error
from cli.compare import TAGS, marked
from kb.config import load_settings
from kb.library import Library
from kb.shapes.compare import history_envelope

HISTORY_TAGS = {**TAGS, "original": "收录的最早版本", "absent": "无此条"}


@click.command("history")
@click.argument("ref")
@click.option("--as-of", "as_of", help="The article as numbered in the version in force then.")
@click.option("--json", "as_json", is_flag=True, help="Print the /api/history JSON envelope.")
@fail_on_kb_error
def command(ref: str, as_of: str | None, as_json: bool) -> None:
    """Show the article REF (e.g. 代表法第四十四条) in every version, oldest first."""
    library = Library(load_settings().index_dir)
    h = library.history(ref, as_of=as_of)
    if as_json:
        click.echo(json.dumps(history_envelope(h), ensure_ascii=False, indent=1))
        return
    click.echo(f"《{h.title}》{h.label} 历次修改")
    for v in h.versions:
        d = v.version
        click.echo(f"\n{d.version_date or '?'} {d.version_label} [{HISTORY_TAGS[v.status]}]")
        if v.passage is not None:
            shown = v.diff if v.status not in ("original", "added") else ()
            click.echo(marked(shown) if shown else v.passage.text)
