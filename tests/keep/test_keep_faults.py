"""kill -9 during an upload and during a publish, on a real `kb serve` (issue 18): the
collection and the index are as before or as after, never between, and the next server
finishes what was asked."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import time

import pytest

from collection.db import opened
from kb.library import Library
from kb.store import Store
from tests.support.keep import bearer, docx_bytes, make_collection, multipart, regulation
from tests.support.serve import start_kb_serve, stop_kb_serve, wait_healthy


def _call(port: int, method: str, path: str, token: str, body: bytes = b"", kind: str = ""):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = bearer(token) | ({"Content-Type": kind} if kind else {})
    try:
        conn.request(method, path, body=body or None, headers=headers)
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


def _files(root) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def kept(tmp_path, corpus_dir):
    return make_collection(tmp_path, corpus_dir, sources=("法律/宪法/宪法.md",))


def test_kill_9_during_a_publish_leaves_the_index_as_before_then_the_next_server_finishes(
    kept, monkeypatch
):
    corpus, index = kept.settings.corpus_dirs[0], kept.settings.index_dir
    token = kept.tokens["editor"]
    live = Store(index).current_name()
    monkeypatch.setenv("KB_FAULT_POINT", "documents-written")  # the keeper dies mid-update
    proc, port = start_kb_serve(index, corpus, workers=1)
    try:
        wait_healthy(port, proc)
        title, lines = regulation("琵鹭", 3)
        data = docx_bytes(title, lines)
        body, kind = multipart({"file": (data, "琵鹭.docx")})
        status, answer = _call(port, "POST", "/api/uploads", token, body, kind)
        assert status == 200, answer
        upload = answer["upload"]
        status, answer = _call(port, "POST", f"/api/uploads/{upload['id']}/publish?wait=8", token)
        assert status == 202 and answer["document"]["state"] == "publishing"
        assert Store(index).current_name() == live  # the live index is the one before
        assert Library(index).search("琵鹭").total == 0
        placed = corpus / upload["preview"]["source"]
        assert placed.read_bytes() == data  # written whole before the index update
        assert not [p for p in corpus.rglob(".*") if p.is_file()]
    finally:
        stop_kb_serve(proc)
    monkeypatch.delenv("KB_FAULT_POINT")
    proc, port = start_kb_serve(index, corpus, workers=1)
    try:
        wait_healthy(port, proc)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:  # the new server's keeper takes the job again
            status, answer = _call(port, "GET", f"/api/uploads/{upload['id']}", token)
            if answer["upload"]["state"] == "published":
                break
            time.sleep(0.5)
        assert answer["upload"]["state"] == "published"
        time.sleep(1.2)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/api/search?q=%E7%90%B5%E9%B9%AD")  # 琵鹭
        assert json.loads(conn.getresponse().read())["total"] > 0
        conn.close()
    finally:
        stop_kb_serve(proc)
    with opened(kept.places.database) as conn:
        published = conn.execute("SELECT count(*) FROM audit WHERE action = 'publish'").fetchone()
    assert published[0] == 1


def test_kill_9_of_the_server_during_an_upload_leaves_nothing(kept):
    corpus, index = kept.settings.corpus_dirs[0], kept.settings.index_dir
    before, live = _files(corpus), Store(index).current_name()
    proc, port = start_kb_serve(index, corpus, workers=1)
    try:
        wait_healthy(port, proc)
        title, lines = regulation("鹈鹕", 3)
        body, kind = multipart({"file": (docx_bytes(title, lines) * 40, "鹈鹕.docx")})
        sock = socket.create_connection(("127.0.0.1", port))
        head = (
            f"POST /api/uploads HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
            f"{kept.tokens['editor']}\r\nContent-Type: {kind}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        sock.sendall(head.encode() + body[: len(body) // 2])
        time.sleep(1.0)
        os.kill(proc.pid, signal.SIGKILL)  # the server dies with half the file received
        proc.wait(30)
        sock.close()
    finally:
        stop_kb_serve(proc)
    assert _files(corpus) == before
    assert Store(index).current_name() == live
    with opened(kept.places.database) as conn:
        assert conn.execute("SELECT count(*) FROM uploads").fetchone()[0] == 0
    assert not list(kept.places.staged.glob("*.bin"))
