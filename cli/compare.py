"""`kb compare`: what changed between two versions of a work, article by article (新旧对照)."""

from __future__ import annotations

import json

import click

from cli.common import fail_on_kb_error
from kb.compare.diff import Diff
from kb.compare.lookup import compare_named
from kb.compare.model import UNCHANGED
from kb.config import load_settings
from kb.library import Library
from kb.shapes.compare import compare_envelope

TAGS = {"unchanged": "未变", "changed": "修改", "added": "新增", "deleted": "删除"}
TAGS["renumbered"] = "条号变动"


def marked(diff: Diff) -> str:
    """A diff as text: deletions [-…-], insertions {+…+} (and in colour on a terminal)."""
    out = []
    for op, text in diff:
        if op == "-":
            out.append(click.style(f"[-{text}-]", fg="red"))
        elif op == "+":
            out.append(click.style(f"{{+{text}+}}", fg="green"))
        else:
            out.append(text)
    return "".join(out)


@click.command("compare")
@click.argument("old")
@click.argument("new", required=False)
@click.option("--all", "show_all", is_flag=True, help="Also list the articles left unchanged.")
@click.option("--json", "as_json", is_flag=True, help="Print the /api/compare JSON envelope.")
@fail_on_kb_error
def command(old: str, new: str | None, show_all: bool, as_json: bool) -> None:
    """Compare two versions: OLD and NEW are document ids or names such as 代表法2015 代表法.

    With only OLD, it is compared with the version before it (or after it, for the first).
    """
    library = Library(load_settings().index_dir)
    c = compare_named(library, old, new)
    if as_json:
        click.echo(json.dumps(compare_envelope(c), ensure_ascii=False, indent=1))
        return
    a, b, s = c.old.document, c.new.document, c.summary
    click.echo(
        f"《{b.title}》 {a.version_label or a.version_date} → {b.version_label or b.version_date}"
    )
    click.echo(
        f"修改 {s.changed} · 新增 {s.added} · 删除 {s.deleted} · 条号变动 {s.renumbered} · "
        f"未变 {s.unchanged} · 章节标题变化 {s.headings}"
    )
    for h in c.headings:
        if h.status != UNCHANGED:
            click.echo(f"\n[标题 {h.status}] {marked(h.diff)}")
    for p in c.pairs:
        if p.status == UNCHANGED and not show_all:
            continue
        labels = " → ".join(x.label or "（无条号）" for x in (p.old, p.new) if x is not None)
        moved = " 位置移动" if p.moved else ""
        click.echo(f"\n[{TAGS[p.status]}{moved}] {labels}\n{marked(p.diff)}")
