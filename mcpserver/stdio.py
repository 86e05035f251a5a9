"""`kb mcp` over stdio, answering every request it has read even when stdin closes right after.

The SDK's loop (mcp.server.stdio, then JSONRPCDispatcher.run) treats the end of stdin as the end
of the session and cancels the requests still being handled, so
`printf '<initialize>\\n<initialized>\\n<tools/call search>\\n' | kb mcp` answered only the
initialize. Here the end of input reaches the server only once every request read has been
answered (or cancelled by the client).
"""

from __future__ import annotations

from typing import Any

import anyio
from mcp.server import MCPServer
from mcp.server.stdio import stdio_server
from mcp.shared.message import SessionMessage
from mcp_types import JSONRPCError, JSONRPCNotification, JSONRPCRequest, JSONRPCResponse


class _Pending:
    """Ids of the requests read and not yet answered."""

    def __init__(self) -> None:
        self.ids: set[Any] = set()
        self._changed = anyio.Event()

    def read(self, item: object) -> None:
        message = item.message if isinstance(item, SessionMessage) else None
        if isinstance(message, JSONRPCRequest):
            self.ids.add(message.id)
        elif (
            isinstance(message, JSONRPCNotification) and message.method == "notifications/cancelled"
        ):
            self._done((message.params or {}).get("requestId"))  # a cancelled one gets no answer

    def written(self, item: SessionMessage) -> None:
        if isinstance(item.message, JSONRPCResponse | JSONRPCError):
            self._done(item.message.id)

    def _done(self, request_id: Any) -> None:
        self.ids.discard(request_id)
        self._changed.set()

    async def drained(self) -> None:
        """Return once no request is waiting for its answer."""
        while self.ids:
            self._changed = anyio.Event()
            await self._changed.wait()


class _Relay:
    """A message stream passed through, with the pending requests at hand."""

    def __init__(self, inner: Any, pending: _Pending) -> None:
        self._inner, self._pending = inner, pending

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def __aenter__(self) -> _Relay:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class _HoldEnd(_Relay):
    """The stdin message stream, whose end is held back until every request is answered."""

    @property
    def last_context(self) -> Any:  # the sender's contextvars (see mcp.shared._context_streams)
        return self._inner.last_context

    async def receive(self) -> Any:
        try:
            item = await self._inner.receive()
        except anyio.EndOfStream:
            await self._pending.drained()
            raise
        self._pending.read(item)
        return item

    def __aiter__(self) -> _HoldEnd:
        return self

    async def __anext__(self) -> Any:
        try:
            return await self.receive()
        except anyio.EndOfStream:
            raise StopAsyncIteration from None


class _NoteAnswers(_Relay):
    """The stdout message stream, noting each answer written."""

    async def send(self, item: SessionMessage) -> None:
        await self._inner.send(item)
        self._pending.written(item)


async def serve_stdio(server: MCPServer) -> None:
    """MCPServer.run_stdio_async with the two streams above."""
    lowlevel = server._lowlevel_server  # what run_stdio_async drives; the SDK has no accessor
    pending = _Pending()
    async with stdio_server() as (read_stream, write_stream):
        await lowlevel.run(
            _HoldEnd(read_stream, pending),
            _NoteAnswers(write_stream, pending),
            lowlevel.create_initialization_options(),
        )


def run_stdio(server: MCPServer) -> None:
    """Serve `server` over stdin and stdout until stdin ends and every answer is written."""
    anyio.run(serve_stdio, server)
