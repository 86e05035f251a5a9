"""Serve the app with waitress: sockets bound here, N forked worker processes on POSIX.

The parent binds (one socket per worker with SO_REUSEPORT on Linux, else one shared socket),
forks the workers, forwards SIGINT/SIGTERM to them and replaces one that dies. Each worker opens
its own Library (Whoosh file handles must not be shared across processes) and warms it.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Callable

from flask import Flask
from waitress.task import ThreadedTaskDispatcher

from indexer.lifetime import die_with_parent
from web.waitress_errors import use_envelope_errors
from web.warmup import warm, warm_thread

log = logging.getLogger(__name__)
# With a few threads per CPU-bound worker, queued requests under load are normal, not a warning.
logging.getLogger("waitress.queue").setLevel(logging.ERROR)

AppFactory = Callable[[], Flask]
RESTART_WINDOW = 10.0  # seconds: a worker dying sooner than this after its start counts as a crash
MAX_QUICK_DEATHS = 5  # give up after this many crashes in a row (a broken index, a bad config …)
STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}
MAX_HEADER_BYTES = 256 * 1024  # above web.MAX_QUERY_STRING: a 100 KB query still gets 414
MAX_BODY_BYTES = 1024 * 1024


def bind(host: str, port: int, count: int = 1, backlog: int = 1024) -> list[socket.socket]:
    """Listening TCP sockets on host:port (port 0 picks a free one).

    With count > 1 on Linux, `count` sockets share the port through SO_REUSEPORT, so the kernel
    spreads new connections evenly over the workers (one socket shared by all lets the first
    idle worker accept every keep-alive connection and leaves the other core idle).
    """
    family, kind, proto, _name, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    spread = count > 1 and sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")
    socks: list[socket.socket] = []
    for _ in range(count if spread else 1):
        sock = socket.socket(family, kind, proto)
        if os.name == "posix":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if spread:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(socks[0].getsockname() if socks else address)
        sock.listen(backlog)
        sock.setblocking(False)
        socks.append(sock)
    return socks


def run_worker(make_app: AppFactory, sock: socket.socket, threads: int) -> None:
    """Build and warm an app (with its own Library), then serve `sock` until told to stop."""
    from waitress.server import create_server

    app = make_app()
    warm(app)
    # Waitress's own limits sit above the app's (MAX_QUERY_STRING, MAX_CONTENT_LENGTH), so the
    # app answers 414/413 with its envelope and headers; waitress only stops absurd requests.
    # `_dispatcher` is create_server's hook for the thread pool (waitress.serve passes **kw on).
    server = create_server(
        app,
        sockets=[sock],
        threads=threads,
        ident="kb",
        asyncore_use_poll=True,
        connection_limit=500,
        channel_timeout=60,
        max_request_header_size=MAX_HEADER_BYTES,
        max_request_body_size=MAX_BODY_BYTES,
        _dispatcher=WarmDispatcher(app, threads),
    )
    use_envelope_errors(server)  # beyond those limits waitress answers: in the same envelope
    server.run()  # returns on SystemExit/KeyboardInterrupt, after stopping its threads


class WarmDispatcher(ThreadedTaskDispatcher):
    """Waitress's thread pool, each thread warming its own index searcher before its first task."""

    def __init__(self, app: Flask, threads: int):
        super().__init__()
        self.app = app
        self.set_thread_count(threads)

    def handler_thread(self, thread_no: int) -> None:
        """Warm this thread (per-thread Whoosh readers), then take tasks as usual."""
        warm_thread(self.app)
        super().handler_thread(thread_no)


def serve(make_app: AppFactory, socks: list[socket.socket], workers: int, threads: int) -> None:
    """Serve forever: in this process, or in `workers` forked processes supervised from here."""
    if workers <= 1 or os.name != "posix":
        run_worker(make_app, socks[0], threads)
        return
    Supervisor(make_app, socks, workers, threads).run()


class Supervisor:
    """The parent: forks workers, forwards SIGINT/SIGTERM to them, restarts one that dies."""

    def __init__(
        self, make_app: AppFactory, socks: list[socket.socket], workers: int, threads: int
    ):
        self.make_app, self.socks, self.workers, self.threads = make_app, socks, workers, threads
        self.children: dict[int, tuple[int, float]] = {}  # pid → (worker slot, start time)
        self.stopping = False
        self.quick_deaths = 0

    def run(self) -> None:
        """Start the workers and wait for them; returns once all have exited after a signal."""
        signal.signal(signal.SIGINT, self._stop)
        signal.signal(signal.SIGTERM, self._stop)
        for slot in range(self.workers):
            self._spawn(slot)
        while self.children:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            child = self.children.pop(pid, None)
            if child is not None and not self.stopping:
                self._replace(pid, status, *child)
        log.info("all workers stopped")

    def _spawn(self, slot: int) -> None:
        """Fork the worker for `slot` (it serves that slot's socket)."""
        if self.stopping:
            return
        # Hold SIGINT/SIGTERM until each side has its own handlers: a signal landing in the
        # child before it installs them would run the parent's handler there and be lost.
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:
            self._worker(slot, parent)
        self.children[pid] = (slot, time.monotonic())
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
        log.info("started worker %d", pid)

    def _worker(self, slot: int, parent: int) -> None:
        """The child: serve until SIGTERM, then leave without returning into the parent's code."""
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
        signal.signal(signal.SIGTERM, _exit_quietly)
        die_with_parent(parent, signal.SIGTERM)  # no orphan serving the port after a kill -9
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
        code = 0
        try:
            run_worker(self.make_app, self.socks[slot % len(self.socks)], self.threads)
        except SystemExit:
            pass  # SIGTERM before waitress started
        except BaseException:  # noqa: BLE001 - log whatever killed the worker
            log.exception("worker %d failed", os.getpid())
            code = 1
        finally:
            logging.shutdown()
            os._exit(code)

    def _replace(self, pid: int, status: int, slot: int, started: float) -> None:
        """Start a new worker for one that died unexpectedly (unless it keeps dying at once)."""
        log.warning("worker %d exited unexpectedly (%s); starting another", pid, _describe(status))
        quick = time.monotonic() - started < RESTART_WINDOW
        self.quick_deaths = self.quick_deaths + 1 if quick else 0
        if self.quick_deaths >= MAX_QUICK_DEATHS:
            log.error("workers keep dying at start; stopping")
            self._stop(signal.SIGTERM, None)
            return
        time.sleep(min(2.0, 0.1 * 2**self.quick_deaths))
        self._spawn(slot)

    def _stop(self, signum: int, _frame) -> None:
        """Forward the stop to every worker; run() returns when they have exited."""
        self.stopping = True
        for pid in list(self.children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass


def _exit_quietly(_signum: int, _frame) -> None:
    """SIGTERM in a worker: leave waitress's loop (it catches SystemExit and shuts down)."""
    sys.exit(0)


def _describe(status: int) -> str:
    """Exit status or signal of a waited-for process."""
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"status {os.waitstatus_to_exitcode(status)}"
