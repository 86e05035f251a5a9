"""Start a real `kb serve` for a test: the one way tests do it.

The server runs in its own session and process group, so a test can do what a terminal does
(Ctrl-C is SIGINT to the whole group) and nothing it started can outlive the test: stopping it
kills whatever of its group is left.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.support.proctree import wait_group_gone

REPO = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
KB = "import sys; from cli import main; sys.exit(main())"


def start_kb_serve(
    index_dir,
    corpus_dir,
    workers: int = 1,
    threads: int = 2,
    stderr=None,
    env: dict[str, str] | None = None,
    server: str | None = None,
) -> tuple[subprocess.Popen, int]:
    """`kb serve` on a free loopback port: (process, port) once it printed its address.

    `env` adds variables; `server` is its --server (gunicorn, or waitress: one process, as where
    gunicorn cannot run). The caller stops it with stop_kb_serve (or uses kb_serve)."""
    env = os.environ | {
        "KB_INDEX_DIR": str(index_dir),
        "KB_CORPUS_DIR": str(corpus_dir),
        **(env or {}),
    }
    cmd = [sys.executable, "-c", KB, "serve", "--host", HOST, "--port", "0"]
    cmd += ["--workers", str(workers), "--threads", str(threads), "--quiet"]
    cmd += ["--server", server] if server else []
    proc = subprocess.Popen(
        cmd,
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        start_new_session=True,
    )
    line = proc.stdout.readline()  # "serving http://127.0.0.1:PORT/ …" (after any index build)
    match = re.search(rf"http://{re.escape(HOST)}:(\d+)/", line)
    if not match:
        stop_kb_serve(proc, signal.SIGKILL)
        raise AssertionError(f"kb serve printed no address: {line!r}")
    return proc, int(match[1])


def wait_healthy(port: int, proc: subprocess.Popen, seconds: float = 60) -> None:
    """Wait until the server at `port` answers /api/health with 200 (or fail)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None:
        conn = http.client.HTTPConnection(HOST, port, timeout=2)
        try:
            conn.request("GET", "/api/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.2)
    raise AssertionError("kb serve did not become healthy")


@dataclass
class Stopped:
    """How a `kb serve` ended: its exit status, the rest of its stdout (and stderr, if piped),
    the processes of its group still alive some seconds after it exited (killed since), and the
    seconds from the signal until its whole group was gone."""

    status: int
    out: str
    err: str
    left: list[int]
    seconds: float


def stop_kb_serve(
    proc: subprocess.Popen,
    sig: int = signal.SIGTERM,
    group: bool = False,
    timeout: float = 30,
    linger: float = 10,
) -> Stopped:
    """Send `sig` to kb serve (to its whole group with `group`, as a terminal's Ctrl-C does) and
    wait for it; then wait up to `linger` seconds for the rest of its group to leave, kill what
    is left and close the pipes. Safe to call again on a server already stopped."""
    started = time.monotonic()
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig) if group else proc.send_signal(sig)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    left = wait_group_gone(proc.pid, linger)
    seconds = time.monotonic() - started
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)  # nothing of the server outlives the test
    out, err = (s.read() if s and not s.closed else "" for s in (proc.stdout, proc.stderr))
    for stream in (proc.stdout, proc.stderr):
        if stream:
            stream.close()
    return Stopped(proc.returncode, out, err, left, seconds)


@contextlib.contextmanager
def kb_serve(index_dir, corpus_dir, **options) -> Iterator[tuple[subprocess.Popen, int]]:
    """start_kb_serve as a context: yields (process, port), stops the server on the way out."""
    proc, port = start_kb_serve(index_dir, corpus_dir, **options)
    try:
        yield proc, port
    finally:
        stop_kb_serve(proc)
