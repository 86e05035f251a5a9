"""`kb mcp`: the Model Context Protocol server for assistants (see mcpserver.server), over stdio,
or over streamable HTTP at http://HOST:PORT/mcp with --http."""

from __future__ import annotations

import logging

import click

from kb.config import load_settings
from kb.library import Library


@click.command("mcp")
@click.option("--http", is_flag=True, help="Serve streamable HTTP at /mcp instead of stdio.")
@click.option("--host", default="127.0.0.1", show_default=True, help="With --http: address.")
@click.option("--port", default=8765, show_default=True, type=int, help="With --http: port.")
def command(http: bool, host: str, port: int) -> None:
    """Serve search, get_article and verify_citations to MCP clients (stdio by default)."""
    from mcpserver.server import build_server
    from mcpserver.stdio import run_stdio

    logging.getLogger("mcp").setLevel(logging.WARNING)  # logs go to stderr, never stdout
    server = build_server(Library(load_settings().index_dir))
    if http:
        click.echo(f"MCP over streamable HTTP at http://{host}:{port}/mcp", err=True)
        server.run("streamable-http", host=host, port=port)
    else:
        run_stdio(server)  # answers what it read, even when stdin closes at once
