"""`kb tokens`: API tokens for programs (`Authorization: Bearer …`), shown once, revocable."""

from __future__ import annotations

import click

from cli.common import fail_on_kb_error, name_and_role
from collection import audit, tokens
from collection.places import Places
from kb.config import load_settings


@click.group("tokens")
def command() -> None:
    """API tokens: each has a name and a role; only its hash is stored."""


@command.command("add")
@name_and_role
@fail_on_kb_error
def add(name: str, role: str) -> None:
    """Create a token for NAME with ROLE; the token is the last line printed."""
    places = Places(load_settings())
    token = tokens.add_token(places.database, name, role)
    audit.record(places.database, "cli", "add token", name, role, "local")
    click.echo(f"token for {name} ({role}); keep it secret, it is not shown again:")
    click.echo(token)


@command.command("revoke")
@click.argument("name")
@fail_on_kb_error
def revoke(name: str) -> None:
    """Revoke every live token of NAME."""
    places = Places(load_settings())
    count = tokens.revoke_tokens(places.database, name)
    audit.record(places.database, "cli", "revoke token", name, f"{count} token(s)", "local")
    click.echo(f"revoked {count} token(s) of {name}")


@command.command("list")
@fail_on_kb_error
def list_tokens() -> None:
    """Every token's name, role and dates (never the token)."""
    for t in tokens.tokens(Places(load_settings()).database):
        click.echo(f"{t['name']}\t{t['role']}\t{t['created']}\trevoked={t['revoked'] or '-'}")
