"""Staff keep the collection through the API (issue 18): upload, preview, publish, replace,
internal marks, withdraw and restore, the audit log; sign-in, CSRF, sessions and throttling;
bad files refused with a clear message and nothing half-written."""

from __future__ import annotations

import io
import threading
import time
import zipfile
from datetime import timedelta

import pytest

from collection import audit
from collection.db import opened
from tests.support.keep import (
    PASSWORD,
    bearer,
    csrf_of,
    docx_bytes,
    make_collection,
    multipart,
    pdf_bytes,
    regulation,
    sign_in,
)


@pytest.fixture(scope="module")
def kept(tmp_path_factory, corpus_dir):
    return make_collection(tmp_path_factory.mktemp("keep"), corpus_dir)


def upload(kept, data: bytes, name: str, token: str = "editor", **form):
    body, kind = multipart({"file": (data, name), **form})
    return kept.app.test_client().post(
        "/api/uploads",
        input_stream=io.BytesIO(body),
        headers={
            **bearer(kept.tokens[token]),
            "Content-Type": kind,
            "Content-Length": str(len(body)),
        },
    )


def publish(kept, upload_id: str, internal: bool = False):
    client = kept.app.test_client()
    return client.post(
        f"/api/uploads/{upload_id}/publish",
        json={"internal": internal},
        headers=bearer(kept.tokens["editor"]),
    )


def search(kept, q: str, who: str | None = None) -> dict:
    headers = bearer(kept.tokens[who]) if who else {}
    return kept.app.test_client().get(f"/api/search?q={q}", headers=headers).get_json()


def corpus_files(kept) -> dict[str, bytes]:
    root = kept.settings.corpus_dirs[0]
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_a_docx_is_previewed_published_and_found(kept):
    title, lines = regulation("苍鹭", 4)
    data = docx_bytes(title, lines)
    answer = upload(kept, data, "../../etc/苍鹭.docx")
    assert answer.status_code == 200, answer.get_json()
    shown = answer.get_json()["upload"]
    preview = shown["preview"]
    assert preview["title"] == title and preview["kind"] == "地方性法规"
    assert preview["issuer"] == "某某市人民代表大会常务委员会"
    assert preview["version_date"] == "2026-01-05"
    assert preview["counts"]["articles"] == 4 and preview["anomalies"] == []
    assert preview["passages"][0]["label"].startswith(f"《{title}》第")
    assert shown["name"] == "苍鹭.docx"  # shown, never used as a path
    assert preview["source"].startswith("上传/") and ".." not in preview["source"]
    assert search(kept, "苍鹭")["total"] == 0  # not before publishing
    done = publish(kept, shown["id"])
    assert done.status_code == 200, done.get_json()
    document = done.get_json()["document"]
    assert document["id"] == preview["document_id"] and document["internal"] is False
    hits = search(kept, "苍鹭")["hits"]
    assert hits and hits[0]["document"]["id"] == document["id"]
    root = kept.settings.corpus_dirs[0]
    assert (root / preview["source"]).read_bytes() == data
    assert not list(root.rglob(".*.tmp"))


def test_a_pdf_named_docx_is_read_as_the_pdf_it_is(kept):
    title, lines = regulation("池鹭", 3)
    answer = upload(kept, pdf_bytes(title, lines), "池鹭.docx")
    assert answer.status_code == 200, answer.get_json()
    preview = answer.get_json()["upload"]["preview"]
    assert preview["kind_of_file"] == "pdf" and preview["source"].endswith(".pdf")
    assert preview["title"] == title and preview["counts"]["articles"] == 3


def test_a_new_version_says_which_it_revises(kept):
    title, lines = regulation("夜鹭", 2)
    first = upload(kept, docx_bytes(title, lines), "夜鹭.docx").get_json()["upload"]
    assert publish(kept, first["id"]).status_code == 200
    lines = ["（2026年3月1日某某市人民代表大会常务委员会第十次会议修正）", *lines[1:]]
    second = upload(kept, docx_bytes(title, [*lines, "新增一段文字。"]), "夜鹭2.docx")
    preview = second.get_json()["upload"]["preview"]
    assert preview["revises"]["id"] == first["preview"]["document_id"]
    assert publish(kept, second.get_json()["upload"]["id"]).status_code == 200
    old = kept.app.test_client().get(f"/api/documents/{first['preview']['document_id']}")
    assert old.get_json()["document"]["status"] != "current"  # 已修改


BAD = [
    ("big.txt", b"a" * (21 * 1024 * 1024), 413),
    ("empty.md", b"", 400),
    ("binary.docx", bytes(range(256)) * 64, 415),
    ("old.doc.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000, 415),
]


@pytest.mark.parametrize("name, data, status", BAD, ids=[b[0] for b in BAD])
def test_bad_files_are_refused_with_a_clear_message(kept, name, data, status):
    before = corpus_files(kept)
    answer = upload(kept, data, name)
    assert answer.status_code == status, answer.get_json()
    body = answer.get_json()
    assert body["ok"] is False and body["status"] == status and body["error"]
    assert corpus_files(kept) == before


def _bomb() -> bytes:
    """A zip that claims to be a .docx and inflates 1000-fold."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(
            "word/document.xml", "<w:document>" + " " * (300 * 1024 * 1024) + "</w:document>"
        )
    return out.getvalue()


def _many_pages(pages: int) -> bytes:
    """A PDF whose page tree declares `pages` pages (each empty)."""
    kids = " ".join(f"{i + 3} 0 R" for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
    ]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>"] * pages
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def test_a_zip_bomb_is_refused_before_python_docx_opens_it(kept):
    data = _bomb()
    assert len(data) < 2 * 1024 * 1024
    answer = upload(kept, data, "bomb.docx")
    assert answer.status_code == 413
    assert "zip bomb" in answer.get_json()["error"] or "unpack" in answer.get_json()["error"]


def test_a_pdf_of_thousands_of_pages_is_refused(kept):
    answer = upload(kept, _many_pages(3000), "thick.pdf")
    assert answer.status_code == 413
    assert "3000 pages" in answer.get_json()["error"]


def test_a_duplicate_is_found_in_the_preview_and_refused_on_publish(kept):
    title, lines = regulation("白鹮", 2)
    data = docx_bytes(title, lines)
    first = upload(kept, data, "a.docx").get_json()["upload"]
    assert publish(kept, first["id"]).status_code == 200
    again = upload(kept, data, "b.docx").get_json()["upload"]
    assert again["preview"]["duplicate_of"]["reason"]
    refused = publish(kept, again["id"])
    assert refused.status_code == 409 and "duplicate" in refused.get_json()["error"]


def test_two_editors_publishing_at_once_both_land_and_are_audited(kept):
    made = []
    for word in ("朱鹮", "黑鹳"):
        title, lines = regulation(word, 2)
        made.append(upload(kept, docx_bytes(title, lines), f"{word}.docx").get_json()["upload"])
    answers = [None, None]

    def go(i):
        answers[i] = publish(kept, made[i]["id"])

    threads = [threading.Thread(target=go, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [a.status_code for a in answers] == [200, 200]
    assert search(kept, "朱鹮")["total"] and search(kept, "黑鹳")["total"]
    published = {
        e["target"] for e in audit.entries(kept.places.database) if e["action"] == "publish"
    }
    assert {m["preview"]["document_id"] for m in made} <= published


def test_internal_withdraw_restore_take_effect_on_the_next_request(kept):
    title, lines = regulation("灰鹤", 2)
    shown = upload(kept, docx_bytes(title, lines), "灰鹤.docx").get_json()["upload"]
    doc = publish(kept, shown["id"]).get_json()["document"]["id"]
    editor = kept.app.test_client()
    post = lambda path, **kw: editor.post(path, headers=bearer(kept.tokens["editor"]), **kw)  # noqa: E731
    assert post(f"/api/documents/{doc}/internal", json={"internal": True}).status_code == 200
    assert search(kept, "灰鹤")["total"] == 0
    assert search(kept, "灰鹤", "reader")["hits"][0]["document"]["internal"] is True
    assert post(f"/api/documents/{doc}/withdraw").status_code == 200
    assert search(kept, "灰鹤", "reader")["total"] == 0
    archive = editor.get("/api/archive", headers=bearer(kept.tokens["editor"])).get_json()
    assert any(a["id"] == doc and a["reason"] == "withdrawn" for a in archive["archive"])
    assert post(f"/api/documents/{doc}/restore").status_code == 200
    assert search(kept, "灰鹤", "reader")["total"] > 0
    assert search(kept, "灰鹤")["total"] == 0  # still internal
    assert post(f"/api/documents/{doc}/internal", json={"internal": False}).status_code == 200
    assert search(kept, "灰鹤")["total"] > 0
    assert post("/api/documents/nope/withdraw").status_code == 404
    assert post(f"/api/documents/{doc}/internal", json={"internal": "maybe"}).status_code == 400


def test_publishing_internal_is_never_public_for_a_moment(kept):
    title, lines = regulation("白鹇", 2)
    shown = upload(kept, docx_bytes(title, lines), "白鹇.docx").get_json()["upload"]
    seen = []
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            seen.append(search(kept, "白鹇")["total"])

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        assert publish(kept, shown["id"], internal=True).status_code == 200
    finally:
        stop.set()
        watcher.join()
    assert seen and set(seen) == {0}
    assert search(kept, "白鹇", "reader")["total"] > 0


def test_replacing_keeps_the_id_and_the_old_file(kept):
    title, lines = regulation("大鸨", 2)
    first = upload(kept, docx_bytes(title, lines), "大鸨.docx").get_json()["upload"]
    doc = publish(kept, first["id"]).get_json()["document"]["id"]
    fixed = docx_bytes(title, [*lines[:1], lines[1].replace("大鸨", "大鸨（更正）")])
    second = upload(kept, fixed, "大鸨更正.docx", replaces=doc)
    assert second.status_code == 200, second.get_json()
    assert publish(kept, second.get_json()["upload"]["id"]).get_json()["document"]["id"] == doc
    assert "更正" in kept.app.test_client().get(f"/api/documents/{doc}").get_data(as_text=True)
    archive = kept.app.test_client().get("/api/archive", headers=bearer(kept.tokens["editor"]))
    assert any(a["id"] == doc and a["reason"] == "replaced" for a in archive.get_json()["archive"])


# ---- who may ------------------------------------------------------------------------------------


def test_roles_401_403(kept):
    anonymous = kept.app.test_client()
    assert anonymous.post("/api/uploads").status_code == 401
    assert upload(kept, b"x", "a.txt", token="reader").status_code == 403
    reader = kept.app.test_client()
    assert reader.get("/api/audit", headers=bearer(kept.tokens["editor"])).status_code == 403
    admin = kept.client("admin")
    entries = admin.get("/api/audit").get_json()["entries"]
    assert entries and {"at", "who", "action", "target", "address"} <= set(entries[0])
    assert anonymous.get("/keep").status_code == 302
    assert kept.client("reader").get("/keep").status_code == 403


def test_a_cookie_session_must_send_its_csrf_token(kept):
    editor = kept.client("editor")
    title, lines = regulation("鸬鹚", 2)
    body, kind = multipart({"file": (docx_bytes(title, lines), "x.docx")})
    refused = editor.post("/api/uploads", data=body, content_type=kind)
    assert refused.status_code == 400 and "CSRF" in refused.get_json()["error"]
    token = csrf_of(editor, "/keep")
    ok = editor.post("/api/uploads", data=body, content_type=kind, headers={"X-CSRFToken": token})
    assert ok.status_code == 200
    logout = kept.client("editor").post("/logout")
    assert logout.status_code == 400  # no token: a link elsewhere cannot sign anyone out


def test_wrong_passwords_are_refused_and_throttled_by_the_real_address(kept):
    client = kept.app.test_client()
    for _ in range(5):
        answer = sign_in(client, "reader", "wrong password")
        assert answer.status_code == 401
    spoofed = {"X-Forwarded-For": "10.9.9.9"}  # not trusted: no proxy is configured
    token = csrf_of(client)
    answer = client.post(
        "/login",
        data={"name": "reader", "password": PASSWORD, "csrf_token": token},
        headers=spoofed,
    )
    assert answer.status_code == 429
    other = kept.app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.1.1.1"  # another client: not throttled
    assert sign_in(other, "reader").status_code == 302
    with opened(kept.places.database) as conn:  # the other tests sign in from 127.0.0.1
        conn.execute("DELETE FROM failures")


def test_expired_sessions_and_forged_cookies_are_refused(tmp_path, corpus_dir):
    short = make_collection(
        tmp_path, corpus_dir, sources=("法律/宪法/宪法.md",), SESSION_HOURS=1 / 3600
    )
    client = short.client("editor")
    assert client.get("/api/me").get_json()["caller"]["role"] == "editor"
    stolen = client.get_cookie("kb_session").value
    time.sleep(2.5)
    replay = short.app.test_client()  # the old cookie sent again, as a thief would
    replay.set_cookie("kb_session", stolen)
    answer = replay.get("/api/uploads")
    assert answer.status_code == 401 and answer.get_json()["ok"] is False
    forged = short.app.test_client()
    forged.set_cookie("kb_session", "eyJfdXNlcl9pZCI6IjE6MCJ9.Zx.forged")
    assert forged.get("/api/uploads").status_code == 401
    assert short.app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(seconds=1)


def test_session_cookies_are_httponly_and_samesite(kept):
    client = kept.app.test_client()
    answer = sign_in(client, "editor")
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_cut_off_upload_leaves_nothing(kept):
    before = corpus_files(kept)
    staged = set(kept.places.staged.glob("*"))
    boundary = "cut"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode()
    body = head + "某某市测试规定。".encode() * 1000  # no closing boundary: the client went away
    answer = kept.app.test_client().post(
        "/api/uploads",
        input_stream=io.BytesIO(body),
        headers={
            **bearer(kept.tokens["editor"]),
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(len(body) + 5000),
        },
    )
    assert answer.status_code == 400
    assert answer.get_json()["ok"] is False
    assert corpus_files(kept) == before
    assert set(kept.places.staged.glob("*")) == staged
