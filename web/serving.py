"""Serve the app on a socket bound by the caller: gunicorn on POSIX, waitress elsewhere.

gunicorn's master forks `workers` processes of `threads` threads (its `gthread` worker), restarts
a worker that dies, stops them all on SIGTERM (gracefully) or SIGINT, and a worker whose master
was killed outright notices within a second and leaves. The master loads the word dictionary
and the question encoder before it forks, so the workers share that memory; each worker builds
its own app (its own Library: Whoosh file handles must not be shared across processes, and
what the app starts, such as the keeper, belongs to the worker) and warms it before it takes
requests. Where gunicorn cannot run (no fork), waitress serves the app in this one process.
"""

from __future__ import annotations

import _thread
import gc
import logging
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable

from flask import Flask

from web.warmup import warm, warm_shared, warm_thread

try:  # gunicorn needs fork() and fcntl: POSIX only
    from gunicorn.app.base import BaseApplication
except ImportError:  # pragma: no cover - Windows: waitress below
    BaseApplication = object

log = logging.getLogger(__name__)
CAN_FORK = BaseApplication is not object  # else one process serves
SERVERS = ("gunicorn", "waitress")

AppFactory = Callable[[], Flask]

# gunicorn answers these limits itself, before the app, in plain text/html. They sit above what
# any valid request needs: the longest valid search (kb.config.MAX_QUERY_CHARS, up to 6 KB
# percent-encoded) fits in the request line, so the app's own checks (web.security) still answer
# a too-long q (400) or body (413) in the JSON envelope. 8190 bytes is gunicorn's largest finite
# request line (0 would mean unlimited), below web.MAX_QUERY_STRING: a longer URL gets
# gunicorn's 414 rather than the app's.
LIMITS = {
    "limit_request_line": 8190,  # bytes of "GET /path?query HTTP/1.1"; more: 414
    "limit_request_fields": 100,  # header lines; more: 431
    "limit_request_field_size": 8190,  # bytes of one header line; more: 431
}
STOP_SECONDS = 10  # after SIGTERM, requests in flight get this long before their worker is killed


def bind(host: str, port: int, backlog: int = 1024) -> socket.socket:
    """A listening TCP socket on host:port (port 0 picks a free one)."""
    family, _kind, _proto, _name, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    return socket.create_server(address, family=family, backlog=backlog)


def choose_server(asked: str | None) -> str:
    """The server to run: the one asked for, else gunicorn where it can run, else waitress."""
    if asked is None:
        return SERVERS[0] if CAN_FORK else SERVERS[1]
    if asked not in SERVERS:
        raise ValueError(f"unknown server {asked!r}; known: {', '.join(SERVERS)}")
    if asked == "gunicorn" and not CAN_FORK:
        raise ValueError("gunicorn cannot run here (it needs fork): use waitress")
    return asked


def serve(
    make_app: AppFactory, sock: socket.socket, workers: int, threads: int, server: str
) -> None:
    """Serve on `sock` until told to stop: gunicorn's workers, or one waitress process.

    Returns in the process that called it only; a forked worker never returns here (see
    KbGunicorn.run)."""
    if server == "gunicorn":
        KbGunicorn(make_app, sock, workers, threads).run()
    else:
        serve_single(make_app(), sock, threads)


def serve_single(app: Flask, sock: socket.socket, threads: int) -> None:
    """Serve `app` with waitress in this process (no fork): warm it, then serve until Ctrl-C or
    SIGTERM."""
    from waitress.server import create_server

    server = create_server(app, sockets=[sock], threads=threads, ident="kb")
    stop = _SingleStop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, stop.handle)
    try:
        warm(app)
        server.run()
    finally:
        stop.done.set()


class _SingleStop:
    """Ctrl-C or SIGTERM for the waitress process: run() returns on the KeyboardInterrupt raised
    here. waitress runs some callbacks under a bare `except:`, which can swallow it, so it is
    raised again each second until run() has returned, and after STOP_SECONDS the process leaves."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self._asked = threading.Event()

    def handle(self, _signum, _frame) -> None:
        if not self._asked.is_set():
            self._asked.set()
            threading.Thread(target=self._insist, name="kb-stop", daemon=True).start()
        raise KeyboardInterrupt

    def _insist(self) -> None:
        for _ in range(STOP_SECONDS):
            if self.done.wait(1.0):
                return
            _thread.interrupt_main()  # calls handle() in the main thread
        log.error("waitress did not stop within %d s of the signal: leaving", STOP_SECONDS)
        _leave(1)


class KbGunicorn(BaseApplication):
    """gunicorn run from `kb serve`: its settings come from here, never from a config file."""

    def __init__(self, make_app: AppFactory, sock: socket.socket, workers: int, threads: int):
        self.make_app = make_app
        self.settings = {
            "bind": [f"fd://{sock.detach()}"],  # gunicorn takes the fd over (and closes it)
            "worker_class": "gthread",
            "workers": workers,
            "threads": threads,
            "worker_connections": 500,
            "keepalive": 5,
            "graceful_timeout": STOP_SECONDS,
            "preload_app": False,  # the app per worker; what they share is loaded in __init__
            "control_socket_disable": True,  # no ~/.gunicorn/gunicorn.ctl, no thread in the master
            "forwarded_allow_ips": "",  # no X-Forwarded-* from anyone: the app decides (KB_PROXIES)
            "loglevel": "info" if logging.getLogger().isEnabledFor(logging.INFO) else "warning",
            "post_worker_init": self.warm_worker,
            **LIMITS,
        }
        super().__init__()
        warm_shared()
        gc.freeze()  # what is loaded so far stays shared: the collector won't touch its pages

    def load_config(self) -> None:
        """Apply self.settings (gunicorn's hook for programmatic configuration)."""
        for name, value in self.settings.items():
            self.cfg.set(name, value)

    def load(self) -> Flask:
        """Build the app (in each worker, before warm_worker)."""
        return self.make_app()

    def warm_worker(self, worker) -> None:
        """In each new worker, before it accepts: open and warm the index, then its threads."""
        app = worker.wsgi
        warm(app)
        pool = getattr(worker, "tpool", None)  # the gthread worker's thread pool
        if pool is not None:
            barrier = threading.Barrier(worker.cfg.threads)  # one warm-up on each thread
            for done in [pool.submit(_warm_one, app, barrier) for _ in range(barrier.parties)]:
                done.result()

    def run(self) -> None:
        """Run the master until it stops; a forked worker leaves the process here.

        gunicorn ends a worker by raising SystemExit up through the code that started the
        master. Stopping it here keeps the master's own clean-up (stopping the vector filler,
        "stopped", exit handlers) from running in a worker too.
        """
        master = os.getpid()
        try:
            super().run()
        except BaseException as exc:
            if os.getpid() != master:
                _leave(exc.code if isinstance(exc, SystemExit) else 1)
            if not (isinstance(exc, SystemExit) and exc.code in (0, None)):
                raise  # a failed start (gunicorn's exit status), or a crash of the master


def _warm_one(app: Flask, barrier: threading.Barrier) -> None:
    """Warm this pool thread, then hold it until every thread has one warm-up (errors logged)."""
    warm_thread(app)
    try:
        barrier.wait(timeout=60)
    except threading.BrokenBarrierError:
        log.warning("not every thread of worker %d was warmed", os.getpid())


def _leave(code: object) -> None:
    """End a forked worker now, with gunicorn's exit status (it tells a failed boot apart)."""
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    status = code if isinstance(code, int) else (0 if code is None else 1)
    os._exit(status)
