"""The `kb` command: wires corpus, indexer, kb and web together (the only place that imports all)."""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os

# One BLAS thread per process (before numpy loads): server workers and embedding workers are
# already one per core, and a question's small matrices gain nothing from a second thread.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import click

# Subcommand modules, each defining a click command named `command`.
_COMMANDS = ("check", "index", "search", "eval", "serve", "compare", "history", "links", "mcp")


class LazyGroup(click.Group):
    """Imports a subcommand's module only when that subcommand runs (or help lists it): `kb mcp`
    never loads Flask, `kb search` never loads the MCP SDK."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(n for n in _COMMANDS if importlib.util.find_spec(f"cli.{n}"))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in _COMMANDS or not importlib.util.find_spec(f"cli.{name}"):
            return None  # unknown, or a subcommand not written yet
        return importlib.import_module(f"cli.{name}").command


@click.group(cls=LazyGroup)
@click.option("-v", "--verbose", is_flag=True, help="Log progress details.")
def main(verbose: bool) -> None:
    """Search Chinese official documents by cited passage."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
