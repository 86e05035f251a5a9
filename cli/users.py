"""`kb users`: staff accounts (the first admin is made here; there is no default password)."""

from __future__ import annotations

import sys

import click

from cli.common import fail_on_kb_error, name_and_role
from collection import accounts, audit
from collection.places import Places
from kb.access import ROLES
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
    """Create the account NAME with ROLE (a running kb serve takes it up at once)."""
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


@command.command("change")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), help="A new role.")
@click.option("--password", "new_password", is_flag=True, help="Set a new password (asked).")
@click.option("--disable/--enable", "disabled", default=None, help="Lock the account or open it.")
@fail_on_kb_error
def change(name: str, role: str | None, new_password: bool, disabled: bool | None) -> None:
    """Change NAME's role, password or lock; its open sessions end."""
    if role is None and not new_password and disabled is None:
        raise click.UsageError("say what to change: --role, --password, --disable or --enable")
    places = Places(load_settings())
    password = read_password() if new_password else None
    user = accounts.change_user(
        places.database, name, role=role, password=password, disabled=disabled
    )
    note = accounts.change_note(role, password, disabled)
    audit.record(places.database, "cli", "change user", name, note, "local")
    state = " (disabled)" if user["disabled"] else ""
    click.echo(f"changed {user['name']} ({user['role']}){state}")
