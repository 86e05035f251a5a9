"""Faults around a real `kb serve`: a damaged index answers 503 until repaired, re-indexing under
load switches builds without a failed request, and the server never writes, reads paths outside
its site or shows a traceback (even asked to debug).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import re
import threading
import time
from pathlib import Path
from urllib.parse import quote

from kb.store import Store
from tests.support.faults import (
    HOST,
    MARKER,
    QUERIES,
    damaged_copy,
    env_for,
    fresh_index,
    run_kb,
    write_marker,
)
from tests.support.serve import kb_serve

# ---- a real `kb serve` --------------------------------------------------------------------------


@contextlib.contextmanager
def serving(settings, workers: int = 2, env: dict[str, str] | None = None):
    """`kb serve` on a free loopback port; yields the port, stops the server on the way out."""
    corpus = settings.corpus_dirs[0]
    with kb_serve(settings.index_dir, corpus, workers=workers, env=env) as (_proc, port):
        yield port


def get(port: int, path: str, timeout: float = 30) -> tuple[int, dict]:
    """GET `path` on a new connection; (status, JSON body)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def search_path(q: str) -> str:
    return f"/api/search?q={quote(q)}&limit=3"


def until(check, seconds: float, times: int = 6) -> float:
    """Seconds until `check()` held `times` times in a row (new connections reach any worker)."""
    began, streak = time.monotonic(), 0
    while time.monotonic() - began < seconds:
        streak = streak + 1 if check() else 0
        if streak >= times:
            return time.monotonic() - began
        time.sleep(0.05)
    raise AssertionError(f"not true within {seconds}s")


def has_marker(port: int, word: str) -> bool:
    status, body = get(port, search_path(word))
    return status == 200 and any(h["document"]["source"] == MARKER for h in body["hits"])


def test_damaged_index_answers_503_until_kb_index_repairs_it(pristine, tmp_path):
    settings = damaged_copy(pristine, tmp_path, "segment file truncated")
    with serving(settings) as port:
        for path in ("/api/health", search_path("选举法第三十条")):
            status, body = get(port, path)
            assert status == 503 and body["ok"] is False and body["status"] == 503
            assert "is damaged" in body["error"] and "kb index" in body["error"]
        assert "Traceback" not in json.dumps(body) and 'File "' not in json.dumps(body)
        assert run_kb(["index", "--quiet"], env_for(settings)).returncode == 0
        until(lambda: get(port, "/api/health")[0] == 200, 15)
        assert get(port, search_path("选举法第三十条"))[1]["hits"]


def _hammer(port: int, stop: threading.Event, done: list, failures: list) -> None:
    """Keep searching over one keep-alive connection; record every failure."""
    conn, i = http.client.HTTPConnection(HOST, port, timeout=30), 0
    while not stop.is_set():
        path = search_path(QUERIES[i % len(QUERIES)])
        i += 1
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
            if response.status != 200 or not json.loads(body)["hits"]:
                failures.append(f"{response.status} {path}")
            done.append(1)
        except (OSError, http.client.HTTPException) as exc:
            failures.append(f"{type(exc).__name__} {path}")
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=30)
    conn.close()


def test_reindex_under_load_switches_without_a_failed_request(tmp_path, corpus_dir):
    settings = fresh_index(tmp_path, corpus_dir)
    store = Store(settings.index_dir)
    with serving(settings) as port:
        stop, done, failures = threading.Event(), [], []
        clients = [
            threading.Thread(target=_hammer, args=(port, stop, done, failures)) for _ in range(3)
        ]
        for t in clients:
            t.start()
        try:
            time.sleep(1)
            write_marker(settings.corpus_dirs[0], "穿山甲")
            assert run_kb(["index", "--quiet"], env_for(settings)).returncode == 0
            switched = until(lambda: has_marker(port, "穿山甲"), 10)
            assert run_kb(["index", "--rebuild", "--quiet"], env_for(settings)).returncode == 0
            live = store.current_name()
            until(lambda: get(port, "/api/health")[1]["index"]["build"] == live, 10)
            served = len(done)
            time.sleep(1)
        finally:
            stop.set()
            for t in clients:
                t.join(timeout=60)
    assert failures == [] and served > 20 and len(done) > served
    assert switched < 5  # the new build answered within seconds of being published


# ---- what the server never does -----------------------------------------------------------------


def _tree(*roots: Path) -> dict[str, tuple[int, int]]:
    """path → (size, mtime) of every file under `roots`."""
    return {
        str(p): (p.stat().st_size, p.stat().st_mtime_ns)
        for root in roots
        for p in root.rglob("*")
        if p.is_file()
    }


# Views that take a POST body only to read it: the citation check (a text too long for a URL).
READING_POSTS = {"assist.verify", "verify.page"}


def test_routes_only_read_and_take_no_paths(app):
    for rule in app.url_map.iter_rules():
        allowed = {"GET", "HEAD", "OPTIONS"} | (
            {"POST"} if rule.endpoint in READING_POSTS else set()
        )
        assert rule.methods <= allowed, rule
        kinds = {type(c).__name__ for c in rule._converters.values()}
        assert kinds <= ({"PathConverter"} if rule.endpoint == "static" else {"UnicodeConverter"})
    assert not app.debug and not app.config["PROPAGATE_EXCEPTIONS"]


TRAVERSALS = [
    "/static/../pyproject.toml",
    "/static/..%2f..%2fpyproject.toml",
    "/static/%2e%2e/%2e%2e/pyproject.toml",
    "/static//etc/passwd",
    "//etc/passwd",
    "/static/..%5c..%5cpyproject.toml",
    "/api/documents/..%2f..%2fmeta.json",
    "/api/passages/%2e%2e%2fCURRENT",
    "/documents/..%2f..%2fCURRENT",
    "/console",
    "/static/kb.css%00.py",
    "/api/cite?ref=../../etc/passwd",
]


def test_real_server_never_writes_reads_paths_or_debugs(pristine, tmp_path):
    settings = damaged_copy(pristine, tmp_path, "CURRENT names a missing build")
    Store(settings.index_dir).publish(Store(pristine[0].index_dir).current_name())  # undamaged
    before = _tree(settings.index_dir, settings.corpus_dirs[0])
    debug = {"FLASK_DEBUG": "1", "KB_DEBUG": "true", "KB_PROPAGATE_EXCEPTIONS": "true"}
    with serving(settings, workers=1, env=debug) as port:
        for path in TRAVERSALS:
            conn = http.client.HTTPConnection(HOST, port, timeout=30)
            conn.putrequest("GET", path, skip_host=False, skip_accept_encoding=True)
            conn.endheaders()
            response = conn.getresponse()
            body = response.read()
            conn.close()
            location = response.getheader("Location") or ""
            inside = re.match(rf"(http://{HOST}:{port})?/static/etc", location)
            assert response.status in (400, 404) or (response.status == 308 and inside), (
                path,
                response.status,
                location,
            )  # 308: merged slashes, still inside the site
            assert b"[build-system]" not in body and b"root:" not in body
            assert b"Traceback" not in body and b"Werkzeug Debugger" not in body
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            for path in ("/api/search?q=代表", "/api/health", "/", "/static/kb.css"):
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
                conn.request(method, quote(path, safe="/?=&"), body=b'{"q": "x"}')
                assert conn.getresponse().status == 405, (method, path)
                conn.close()
    assert _tree(settings.index_dir, settings.corpus_dirs[0]) == before
