"""The `kb` command: wires corpus, indexer, kb and web together (the only place that imports all)."""

from __future__ import annotations

import importlib
import logging
import os

# One BLAS thread per process (before numpy loads): server workers and embedding workers are
# already one per core, and a question's small matrices gain nothing from a second thread.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import click

# Subcommand modules, each defining a click command named `command`.
_COMMANDS = (
    "check",
    "index",
    "search",
    "eval",
    "serve",
    "compare",
    "history",
    "links",
    "mcp",
    "users",
    "tokens",
)


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log progress details.")
def main(verbose: bool) -> None:
    """Search Chinese official documents by cited passage."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


for _name in _COMMANDS:
    try:
        main.add_command(importlib.import_module(f"cli.{_name}").command)
    except ModuleNotFoundError as exc:  # a subcommand not written yet
        if exc.name != f"cli.{_name}":
            raise
