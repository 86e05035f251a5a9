"""Helpers shared by the subcommands: error translation and progress bars."""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Iterator

import click

from kb.access import ROLES
from kb.errors import KBError


def fail_on_kb_error(func):
    """Turn our errors into a one-line message and exit status; Ctrl-C into status 130."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except KBError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2 if exc.status < 500 else 1)
        except OSError as exc:  # a full disk, an unreadable folder …: the cause, not a traceback
            where = f": {exc.filename}" if exc.filename else ""
            click.echo(f"error: {exc.strerror or exc}{where}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("interrupted; the previous index is unchanged", err=True)
            sys.exit(130)

    return wrapper


@contextlib.contextmanager
def progress_reporter(label: str, quiet: bool) -> Iterator:
    """A (done, total) callback drawing a click progress bar on stderr, or None when quiet."""
    if quiet:
        yield None
        return
    state = {"bar": None, "done": 0}

    def report(done: int, total: int) -> None:
        if state["bar"] is None:
            state["bar"] = click.progressbar(
                length=total, label=label, file=sys.stderr, show_pos=True
            )
            state["bar"].__enter__()
        state["bar"].update(done - state["done"])
        state["done"] = done

    try:
        yield report
    finally:
        if state["bar"] is not None:
            state["bar"].__exit__(None, None, None)


def name_and_role(func):
    """The NAME argument and the required --role option of `kb users add` / `kb tokens add`."""
    role = click.option("--role", type=click.Choice(ROLES), required=True, help="What it may do.")
    return click.argument("name")(role(func))
