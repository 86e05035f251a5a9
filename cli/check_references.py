"""The references part of `kb check`: found, resolved and unresolved by reason, per kind."""

from __future__ import annotations

import click

from corpus.collection import Collection
from kb.links.indexing.build import build_links
from kb.records import document_record

KIND_NAMES = {
    "self": "本法/本条例… 第X条",
    "bare": "第X条 (no work named)",
    "relative": "前款/本条第X款…",
    "named": "《…》/选举法 第X条",
    "inherited": "第X条 after a named work",
    "same": "同法/该法 第X条",
    "document": "依照《…》/根据…法 (whole documents)",
    "number": "文号 (document numbers)",
}


def references_summary(collection: Collection) -> dict:
    """Resolve the references found while parsing; the summary of kb.links.indexing.build."""
    records = [document_record(d) for d in collection.documents]
    return build_links(records, collection.references)["summary"]


def echo_references(summary: dict) -> None:
    """Human-readable counts: per kind, resolved and why the rest is not."""
    click.echo(f"References: {summary['found']} found, {summary['resolved']} resolved")
    for kind, counts in summary["by_kind"].items():
        rate = counts["resolved"] / counts["found"] if counts["found"] else 0.0
        name = KIND_NAMES.get(kind, kind)
        later = counts.get("later_version", 0)
        note = f", {later} to a later version than the one cited" if later else ""
        click.echo(f"  {name}: {counts['resolved']} of {counts['found']} ({rate:.1%}){note}")
        for reason, n in sorted(counts["unresolved"].items(), key=lambda x: -x[1]):
            click.echo(f"    {n:>6}  {reason}")
    implementing = summary["implementing"]
    click.echo(
        f"Local 实施 measures linked to a national law: "
        f"{implementing['linked']} of {implementing['documents']}"
    )
    for missing in implementing["not_linked"]:
        names = f" (names {missing['names']}, not in the collection)" if missing["names"] else ""
        click.echo(f"  not linked: {missing['title']}{names}")
