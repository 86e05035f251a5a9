"""`kb users`: staff accounts (the first admin is made here; there is no default password)."""

from __future__ import annotations

import sys

import click

from cli.common import fail_on_kb_error, name_and_role
from collection import accounts, audit
from collection.places import Places
from kb.config import load_settings


@click.group("users")
def command() -> None:
    """Staff accounts: reader (sees internal documents), editor (uploads, withdraws, marks
    internal), admin (accounts, tokens, the audit log)."""


def read_password() -> str:
    """Asked twice on a terminal; otherwise one line from standard input."""
    if sys.stdin.isatty():
        return click.prompt("password", hide_input=True, confirmation_prompt=True)
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


@command.command("add")
@name_and_role
@fail_on_kb_error
def add(name: str, role: str) -> None:
    """Create the account NAME with ROLE (restart kb serve after the first account)."""
    places = Places(load_settings())
    account = accounts.add_user(places.database, name, role, read_password())
    audit.record(places.database, "cli", "add user", account.name, role, "local")
    click.echo(f"added {account.name} ({account.role})")


@command.command("list")
@fail_on_kb_error
def list_users() -> None:
    """Every account with its role."""
    for user in accounts.users(Places(load_settings()).database):
        state = " (disabled)" if user["disabled"] else ""
        click.echo(f"{user['name']}\t{user['role']}\t{user['created']}{state}")
