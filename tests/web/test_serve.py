"""`kb serve` itself, a real server on a loopback port: it builds a missing index, gunicorn
supervises its workers, SIGTERM or a terminal's Ctrl-C stops everything within seconds (the
keeper a worker started too), killing it leaves no worker behind; request limits over a real
socket, answered by the app in its envelope or by gunicorn in plain HTML; and the one-process
waitress server where gunicorn cannot run.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.support.keep import bearer, docx_bytes, make_collection, multipart, regulation
from tests.support.proctree import children, descendants, living
from tests.support.serve import HOST, REPO, kb_serve, start_kb_serve, stop_kb_serve, wait_healthy
from tests.web.test_api import assert_error, assert_secured
from web import serving

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks, /proc")
# a stop (or a kill) until the last process of kb serve is gone: gunicorn kills a worker still
# there after its graceful timeout (rarely needed under load after Ctrl-C; cause not yet known)
STOP_SECONDS = serving.STOP_SECONDS + 5


def _until(condition, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def _has_open(pid: int, folder) -> bool:
    """Does process `pid` hold a file below `folder` open?"""
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False
    targets = []
    for fd in fds:
        with contextlib.suppress(OSError):
            targets.append(os.readlink(fd))
    return any(target.startswith(str(folder)) for target in targets)


def test_kb_serve_builds_index_supervises_workers_and_stops_on_ctrl_c(tmp_path, small_settings):
    proc, port = start_kb_serve(
        tmp_path / "index", small_settings.corpus_dirs[0], workers=2, stderr=subprocess.PIPE
    )
    try:
        wait_healthy(port, proc)
        workers = children(proc.pid)
        assert len(workers) == 2
        os.kill(min(workers), signal.SIGKILL)  # gunicorn starts another in its place

        def replaced() -> bool:
            """One new worker, booted: it has the index open (a signal in its first moments,
            before gunicorn sets its handlers, is lost and the master waits 10 s for it).
            Read from one listing of the processes: two listings can straddle a change."""
            fresh = children(proc.pid) - workers
            return len(fresh) == 1 and _has_open(next(iter(fresh)), tmp_path / "index")

        _until(replaced)
        wait_healthy(port, proc)
        stopped = stop_kb_serve(proc, signal.SIGINT, group=True)  # Ctrl-C in a terminal
    finally:
        stop_kb_serve(proc)
    assert stopped.status == 0 and "stopped" in stopped.out, stopped
    assert stopped.left == [], "a process of kb serve outlived it"
    assert stopped.seconds < STOP_SECONDS, stopped
    assert "building it now" in stopped.err
    assert "Traceback" not in stopped.err, stopped.err  # no worker failed to boot


def test_kb_serve_workers_do_not_outlive_a_killed_server(small_settings):
    proc, port = start_kb_serve(small_settings.index_dir, small_settings.corpus_dirs[0], workers=2)
    try:
        wait_healthy(port, proc)
        assert len(children(proc.pid)) == 2
        stopped = stop_kb_serve(proc, signal.SIGKILL)  # kill -9: the master cleans up nothing
    finally:
        stop_kb_serve(proc)
    assert stopped.left == [], "gunicorn workers outlived their killed master"
    assert stopped.seconds < STOP_SECONDS, stopped


STOPS = [("SIGTERM", signal.SIGTERM, False), ("Ctrl-C", signal.SIGINT, True)]
STOPS += [("kill -9", signal.SIGKILL, False)]


@pytest.mark.parametrize("how, sig, group", STOPS, ids=[s[0] for s in STOPS])
def test_the_keeper_a_worker_started_stops_with_kb_serve(tmp_path, corpus_dir, how, sig, group):
    kept = make_collection(tmp_path, corpus_dir, sources=("法律/宪法/宪法.md",))
    index, corpus = kept.settings.index_dir, kept.settings.corpus_dirs[0]
    env = {"KB_KEEPER_IDLE": "600"}  # it would stay for ten minutes
    proc, port = start_kb_serve(index, corpus, workers=2, env=env)
    try:
        wait_healthy(port, proc)
        body, kind = multipart({"file": (docx_bytes(*regulation("琵鹭", 3)), "琵鹭.docx")})
        conn = http.client.HTTPConnection(HOST, port, timeout=120)
        headers = bearer(kept.tokens["editor"]) | {"Content-Type": kind}
        conn.request("POST", "/api/uploads", body=body, headers=headers)
        answer = conn.getresponse()
        assert answer.status == 200, answer.read()[:300]  # the keeper read it: it runs
        conn.close()
        keeper = int(kept.places.keeper_lock.read_text())
        assert keeper in descendants(proc.pid) - children(proc.pid)  # a worker's child
        stopped = stop_kb_serve(proc, sig, group=group)
    finally:
        stop_kb_serve(proc)
    assert stopped.left == [], f"a process of kb serve outlived {how}"
    assert keeper not in living()
    assert stopped.seconds < STOP_SECONDS, stopped
    if sig != signal.SIGKILL:
        assert stopped.status == 0 and "stopped" in stopped.out, stopped


def test_kb_serve_stops_within_seconds_on_sigterm(small_settings):
    proc, port = start_kb_serve(small_settings.index_dir, small_settings.corpus_dirs[0], workers=2)
    try:
        wait_healthy(port, proc)
        assert len(children(proc.pid)) == 2
        stopped = stop_kb_serve(proc, signal.SIGTERM)
    finally:
        stop_kb_serve(proc)
    assert stopped.status == 0 and "stopped" in stopped.out, stopped
    assert stopped.left == [] and stopped.seconds < STOP_SECONDS, stopped


def test_kb_serve_on_waitress_serves_in_one_process(small_settings):
    proc, port = start_kb_serve(
        small_settings.index_dir, small_settings.corpus_dirs[0], workers=2, server="waitress"
    )  # start_kb_serve read "serving http://127.0.0.1:PORT/" from its first line
    try:
        wait_healthy(port, proc)
        assert children(proc.pid) == set()  # no workers (and no vector filler in tests)
        got, headers, body, _ = _raw(port, _get("/api/search?q=" + quote("代表")))
        assert got == 200 and json.loads(body)["hits"]
        got, headers, body, _ = _raw(port, BIG_BODY)
        assert got == 413 and headers["Content-Type"] == "application/json"
        assert_error(json.loads(body), 413)
        stopped = stop_kb_serve(proc, signal.SIGINT, group=True)
    finally:
        stop_kb_serve(proc)
    assert stopped.status == 0 and "stopped" in stopped.out, stopped
    assert stopped.left == [] and stopped.seconds < STOP_SECONDS, stopped


def test_without_gunicorn_kb_serve_chooses_waitress():
    probe = (  # as on Windows: gunicorn cannot be imported
        "import sys; sys.modules['gunicorn'] = None; from web import serving; "
        "print(serving.CAN_FORK, serving.choose_server(None))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO)
    assert out.stdout.split() == ["False", "waitress"], out.stderr[-500:]
    from web.serving import choose_server

    assert choose_server(None) == "gunicorn" and choose_server("waitress") == "waitress"
    with pytest.raises(ValueError):
        choose_server("uwsgi")


# Request limits over a real socket. The app answers in the envelope with the security headers;
# gunicorn answers what it refuses before the app (request line, headers, malformed requests)
# itself, in plain HTML.
@pytest.fixture(scope="module")
def served(small_settings):
    with kb_serve(
        small_settings.index_dir, small_settings.corpus_dirs[0], stderr=subprocess.DEVNULL
    ) as (proc, port):
        wait_healthy(port, proc)
        yield port


def _raw(port: int, data: bytes) -> tuple[int, dict, bytes, float]:
    """Send raw bytes; (status, headers, body, seconds) of the answer."""
    started = time.monotonic()
    with socket.create_connection((HOST, port), timeout=10) as sock:
        sock.sendall(data)  # a reset while the body is still going out fails here
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, body, time.monotonic() - started


def _get(path: str, extra: bytes = b"", body: bytes = b"", method: bytes = b"GET") -> bytes:
    length = b"Content-Length: %d\r\n" % len(body) if body else b""
    return (
        method + b" " + path.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Connection: close\r\n" + length + extra + b"\r\n" + body
    )


# 10 MB: far more than the socket buffers hold, so the client is still sending when the app
# refuses it; the app reads it away first, or the client would get a reset instead of the 413.
BIG_BODY = _get("/api/search", body=b"x" * 10_000_000, method=b"POST")
APP, GUNICORN = "app", "gunicorn"
REFUSED = [
    ("body over the app's limit", _get("/api/search", body=b"x" * 100_000, method=b"POST"), 413, APP),
    ("10 MB body", BIG_BODY, 413, APP),
    ("100 KB query string", _get("/api/search?q=" + "a" * 100_000), 414, GUNICORN),
    ("100 KB query string on the page", _get("/?q=" + "a" * 100_000), 414, GUNICORN),
    ("request line over gunicorn's limit", _get("/api/search?q=" + "a" * 8_200), 414, GUNICORN),
    ("a header over gunicorn's limit", _get("/api/health", b"X-Pad: " + b"p" * 9_000 + b"\r\n"), 431, GUNICORN),
    ("300 KB header", _get("/api/health", b"X-Pad: " + b"p" * 300_000 + b"\r\n"), 431, GUNICORN),
    ("too many headers", _get("/api/health", b"".join(b"X-%d: 1\r\n" % i for i in range(120))), 431, GUNICORN),
    ("malformed request line", b"NONSENSE\r\n\r\n", 400, GUNICORN),
    ("bad Content-Length", _get("/api/health", b"Content-Length: many\r\n"), 400, GUNICORN),
]  # fmt: skip


@pytest.mark.parametrize("name, request_bytes, status, by", REFUSED, ids=[r[0] for r in REFUSED])
def test_real_server_refuses_quickly(served, name, request_bytes, status, by):
    got, headers, body, seconds = _raw(served, request_bytes)
    assert got == status, body[:200]
    assert seconds < 2.0
    if by == GUNICORN:  # plain HTML naming the refusal, nothing of the request echoed unescaped
        assert headers["Content-Type"] == "text/html" and b"<script" not in body
        return
    assert_secured(headers)
    assert headers["Content-Type"] == "application/json"
    assert_error(json.loads(body), status)


def test_real_server_serves_the_longest_valid_query(served):
    from kb.config import MAX_QUERY_CHARS

    for char in ("代", "\U00020000"):  # 3 and 4 bytes in UTF-8, 9 and 12 percent-encoded
        ok, headers, body, _ = _raw(served, _get("/api/search?q=" + quote(char * MAX_QUERY_CHARS)))
        assert ok == 200 and json.loads(body)["ok"] is True
        too_long = _raw(served, _get("/api/search?q=" + quote(char * (MAX_QUERY_CHARS + 1))))
        assert too_long[0] == 400
        assert_error(json.loads(too_long[2]), 400)


def test_the_waitress_stop_is_raised_again_when_swallowed():
    # a loop that swallows the first KeyboardInterrupt, as a bare `except:` in waitress can
    probe = (
        "import signal, time\n"
        "from web.serving import _SingleStop\n"
        "stop = _SingleStop()\n"
        "signal.signal(signal.SIGINT, stop.handle)\n"
        "print('ready', flush=True)\n"
        "swallowed = 0\n"
        "try:\n"
        "    while True:\n"
        "        try:\n"
        "            time.sleep(0.05)\n"
        "        except:\n"
        "            swallowed += 1\n"
        "            if swallowed > 1: raise\n"
        "except KeyboardInterrupt:\n"
        "    stop.done.set()\n"
        "    print('stopped after', swallowed, flush=True)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", probe], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "ready"
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=serving.STOP_SECONDS + 5)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == 0 and out.strip() == "stopped after 2", out
    assert time.monotonic() - started < 3  # the second interrupt comes a second later
