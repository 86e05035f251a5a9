"""Internal documents reach no one without the right, through any door (issue 18).

One public and one internal canary document; every endpoint of /api/openapi.json and every
route of the app (app.url_map against an allow-list: a new route fails until it is listed) is
called as anonymous, reader, editor, a reader token and a revoked token. Anonymous answers
must hold no internal word, title, id or count: they are byte-identical to the answers given
before the internal document existed.
"""

from __future__ import annotations

import json
import re

import pytest

from collection.files import set_mark
from indexer.build import build_index
from tests.support.keep import bearer, make_collection

PUBLIC_WORD = "白鹭"
SECRET_WORD = "鸺鹠"  # the canary: in the internal document's title and every article
SECRET_TITLE = f"某某市{SECRET_WORD}工作内部规定"
HIDDEN_WORD = "鹪鹩"  # in every internal article, never sent in a request: its sighting is a leak
SHARED = "人民代表大会"  # words both documents share (BM25 statistics would move with them)
INTERNAL_SOURCE = "工作简报/内部/鸺鹠规定.md"
MISSING_DOC = "0123456789ab"  # shaped like a document id, held by no one


def _law(title: str, word: str, hidden: str = "") -> str:
    from kb.numerals import int_to_cn

    lines = [f"# {title}", "", "（2026年1月5日某某市人民代表大会常务委员会第九次会议通过）", ""]
    for n in range(1, 5):
        lines += [
            f"第{int_to_cn(n)}条 {word}事项由市{SHARED}常务委员会依照"
            f"《中华人民共和国宪法》第{int_to_cn(3)}条的规定办理{word}{hidden}。",
            "",
        ]
    return "\n".join(lines)


# The anonymous questions whose answers must not move when the internal document arrives.
STABLE = [
    f"/api/search?q={SHARED}",
    f"/api/search?q={SHARED}常务委员会&versions=all&limit=50",
    f"/api/search?q={SECRET_WORD}",
    f"/api/search?q={SECRET_WORD}工作内部规&explain=1",
    f"/api/search?q=某某市{PUBLIC_WORD}&explain=1",
    "/api/search?q=宪法第三条",
    f"/api/suggest?q={SECRET_WORD[0]}",
    "/api/suggest?q=某某市",
    f"/api/cite?ref=《{SECRET_TITLE}》第一条",
    f"/api/history?ref=《{SECRET_TITLE}》第一条",
    "/api/health",
    f"/?q={SHARED}",
    f"/?q={SECRET_WORD}",
    "/?q=某某市",
]


def _strip(body: bytes) -> bytes:
    """An answer without its timing."""
    body = re.sub(rb'"took_ms":\s*[0-9.]+', b'"took_ms":0', body)
    return re.sub("（[0-9]+ 毫秒）".encode(), b"", body)


@pytest.fixture(scope="module")
def canaries(tmp_path_factory, corpus_dir):
    """The collection with the public canary; answers before the internal one; then the
    internal canary marked and indexed."""
    root = tmp_path_factory.mktemp("access")
    kept = make_collection(root, corpus_dir)
    corpus = kept.settings.corpus_dirs[0]
    public = corpus / "地方性法规" / f"某某市{PUBLIC_WORD}保护规定.md"
    public.parent.mkdir(parents=True, exist_ok=True)
    public.write_text(_law(f"某某市{PUBLIC_WORD}保护规定", PUBLIC_WORD), encoding="utf-8")
    build_index(kept.settings, procs=1)
    anonymous = kept.app.test_client()
    constitution = anonymous.get("/api/cite?ref=宪法第三条").get_json()["hit"]["id"]
    watched = [*STABLE, f"/api/passages/{constitution}/links", f"/passages/{constitution}/links"]
    before = {url: _strip(anonymous.get(url).data) for url in watched}
    set_mark(kept.settings.index_dir, INTERNAL_SOURCE, True)  # marked before it exists
    (corpus / INTERNAL_SOURCE).parent.mkdir(parents=True, exist_ok=True)
    (corpus / INTERNAL_SOURCE).write_text(
        _law(SECRET_TITLE, SECRET_WORD, HIDDEN_WORD), encoding="utf-8"
    )
    stats = build_index(kept.settings, procs=1)
    assert stats.internal == 1 and stats.mode == "unchanged"  # the public index did not move
    reader = kept.client("reader")
    hit = reader.get(f"/api/search?q={SECRET_WORD}").get_json()["hits"][0]
    return {
        "kept": kept,
        "before": before,
        "internal_doc": hit["document"]["id"],
        "internal_passage": hit["id"],
        "constitution": constitution,
    }


def _secrets(canaries) -> list[str]:
    return [
        HIDDEN_WORD,
        SECRET_WORD,
        SECRET_TITLE,
        canaries["internal_doc"],
        canaries["internal_passage"],
        INTERNAL_SOURCE,
        "鸺鹠规定",
    ]


def _assert_clean(body: bytes, canaries, where: str, sent: str = "") -> None:
    """No secret in an answer, but for what the caller sent itself (a query is echoed)."""
    from urllib.parse import unquote

    text = unquote(body.decode("utf-8", "replace"))
    for secret in _secrets(canaries):
        if secret not in sent:
            assert secret not in text, f"{where} shows {secret!r}"


def test_anonymous_answers_do_not_move_when_an_internal_document_arrives(canaries):
    anonymous = canaries["kept"].app.test_client()
    for url, body in canaries["before"].items():
        after = _strip(anonymous.get(url).data)
        assert after == body, url  # totals, facets, scores, suggestions, links: byte-identical
        _assert_clean(after, canaries, url, sent=url)


def test_signed_in_readers_see_it_with_its_badge(canaries):
    kept = canaries["kept"]
    for client, headers in (
        (kept.client("reader"), {}),
        (kept.app.test_client(), bearer(kept.tokens["reader"])),
    ):
        found = client.get(f"/api/search?q={SECRET_WORD}", headers=headers).get_json()
        assert found["total"] > 0
        assert found["hits"][0]["document"]["internal"] is True
        page = client.get(f"/documents/{canaries['internal_doc']}", headers=headers)
        assert page.status_code == 200 and "badge internal" in page.get_data(as_text=True)
        links = client.get(f"/api/passages/{canaries['constitution']}/links", headers=headers)
        assert canaries["internal_doc"] in links.get_data(as_text=True)  # 被引用 from it
    public = kept.client("reader").get(f"/api/search?q={PUBLIC_WORD}").get_json()
    assert all("internal" not in h["document"] for h in public["hits"])


def test_an_internal_id_is_answered_exactly_like_a_missing_one(canaries):
    anonymous = canaries["kept"].app.test_client()
    doc, passage = canaries["internal_doc"], canaries["internal_passage"]
    public = canaries["constitution"].rpartition("-")[0]
    missing_passage = MISSING_DOC + passage[len(MISSING_DOC) :]
    pairs = [
        (f"/api/documents/{doc}", f"/api/documents/{MISSING_DOC}"),
        (f"/documents/{doc}", f"/documents/{MISSING_DOC}"),
        (f"/api/passages/{passage}", f"/api/passages/{missing_passage}"),
        (f"/api/passages/{passage}/links", f"/api/passages/{missing_passage}/links"),
        (f"/passages/{passage}/links", f"/passages/{missing_passage}/links"),
        (f"/api/compare?from={doc}&to={doc}", f"/api/compare?from={MISSING_DOC}&to={MISSING_DOC}"),
        (f"/compare?from={doc}&to={doc}", f"/compare?from={MISSING_DOC}&to={MISSING_DOC}"),
        (f"/documents/{doc}/in/{doc}?p=1", f"/documents/{MISSING_DOC}/in/{MISSING_DOC}?p=1"),
        (f"/documents/{public}/in/{doc}?p=1", f"/documents/{public}/in/{MISSING_DOC}?p=1"),
    ]
    for held, missing in pairs:
        a, b = anonymous.get(held), anonymous.get(missing)
        assert a.status_code == b.status_code == 404, held
        body = a.data.replace(doc.encode(), MISSING_DOC.encode())
        body = body.replace(passage.encode(), missing_passage.encode())
        assert body == b.data, held
    for p in ("1", "0"):  # switching versions from it: like switching from a missing document
        a = anonymous.get(f"/documents/{doc}/in/{public}?p={p}")
        b = anonymous.get(f"/documents/{MISSING_DOC}/in/{public}?p={p}")
        assert (a.status_code, a.headers["Location"]) == (b.status_code, b.headers["Location"])
        assert a.headers["Location"].endswith(f"/documents/{public}")


# ---- every door ---------------------------------------------------------------------------------

# Every route of the app, by endpoint: "read" (anyone; filtered by kb.access), "staff" (signed
# in with a role), "static". A route missing here fails test_every_route_is_classified.
ROUTES = {
    "static": "static",
    "api.search": "read",
    "api.passage": "read",
    "api.passage_links": "read",
    "api.document": "read",
    "api.cite": "read",
    "api.health": "read",
    "api.openapi": "read",
    "assist.suggest": "read",
    "assist.verify": "read",
    "compare_api.compare": "read",
    "compare_api.history": "read",
    "compare.page": "read",
    "compare.history": "read",
    "search.index": "read",
    "documents.document": "read",
    "documents.same_article": "read",
    "verify.page": "read",
    "links.passage": "read",
    "keep_api.upload": "staff",
    "keep_api.upload_list": "staff",
    "keep_api.upload_state": "staff",
    "keep_api.publish": "staff",
    "keep_api.mark_internal": "staff",
    "keep_api.withdraw": "staff",
    "keep_api.restore": "staff",
    "keep_api.archive": "staff",
    "keep_api.audit_log": "staff",
    "keep_api.me": "read",
    "keep.login": "read",
    "keep.logout": "read",
    "keep.home": "staff",
    "keep.upload": "staff",
    "keep.preview": "staff",
    "keep.publish": "staff",
    "keep.document_action": "staff",
    "keep.audit_page": "staff",
    "accounts_api.listed": "staff",
    "accounts_api.add_account": "staff",
    "accounts_api.change_account": "staff",
    "accounts_api.add_token": "staff",
    "accounts_api.revoke_tokens": "staff",
    "accounts.page": "staff",
    "accounts.add": "staff",
    "accounts.change": "staff",
    "accounts.add_token": "staff",
    "accounts.revoke": "staff",
}


def test_every_route_is_classified(canaries):
    endpoints = {rule.endpoint for rule in canaries["kept"].app.url_map.iter_rules()}
    assert endpoints == set(ROUTES)


def _fill(rule: str, canaries) -> str:
    """A URL for a route, naming the internal document wherever it takes an id."""
    values = {
        "passage_id": canaries["internal_passage"],
        "doc_id": canaries["internal_doc"],
        "to_id": canaries["internal_doc"],
        "upload_id": "0123456789abcdef",
        "action": "withdraw",
        "filename": "kb.css",
        "name": "admin",
        "id": canaries["internal_passage"],
    }
    if "/documents/" in rule:
        values["id"] = canaries["internal_doc"]
    elif "/uploads/" in rule:
        values["id"] = values["upload_id"]
    return re.sub(r"<(?:\w+:)?(\w+)>|\{(\w+)\}", lambda m: values[m[1] or m[2]], rule)


def _queries(canaries) -> list[str]:
    """Query strings that name the internal document every way a parameter can."""
    doc = canaries["internal_doc"]
    return [
        f"q={SECRET_WORD}&ref=《{SECRET_TITLE}》第一条&from={doc}&to={doc}&document={doc}",
        f"q={SECRET_TITLE}&ref={SECRET_WORD}规定第一条&versions=all&explain=1",
        f"q={SECRET_WORD[0]}",
    ]


def _verify_text() -> dict:
    return {"text": f"依照《{SECRET_TITLE}》第一条规定：“{SECRET_WORD}事项由市常务委员会办理。”"}


def _callers(kept):
    """(name, client, headers, sees internal) for every kind of caller."""
    anonymous = kept.app.test_client()
    return [
        ("anonymous", anonymous, {}, False),
        ("revoked token", kept.app.test_client(), bearer(kept.tokens["revoked"]), False),
        ("forged token", kept.app.test_client(), bearer("kb_" + "x" * 43), False),
        ("reader", kept.client("reader"), {}, True),
        ("editor", kept.client("editor"), {}, True),
        ("reader token", kept.app.test_client(), bearer(kept.tokens["reader"]), True),
    ]


def test_every_route_refuses_or_filters_for_each_caller(canaries):
    kept = canaries["kept"]
    rules = [r for r in kept.app.url_map.iter_rules() if r.endpoint != "static"]
    for name, client, headers, sees in _callers(kept):
        for rule in rules:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                if method == "POST" and ROUTES[rule.endpoint] == "staff" and sees:
                    continue  # changes: tested in test_keep.py, not in a walk
                for query in _queries(canaries):
                    url = f"{_fill(rule.rule, canaries)}?{query}"
                    if method == "POST":
                        response = client.post(url, json=_verify_text(), headers=headers)
                    else:
                        response = client.get(url, headers=headers)
                    where = f"{name} {method} {url}"
                    assert response.status_code < 500, where
                    if name in ("revoked token", "forged token"):
                        assert response.status_code == 401, where
                        if url.startswith("/api/"):
                            assert set(response.get_json()) == {"ok", "error", "status"}, where
                    if ROUTES[rule.endpoint] == "staff" and name == "anonymous":
                        assert response.status_code in (302, 401), where
                    if not sees:
                        sent = url + json.dumps(_verify_text(), ensure_ascii=False)
                        _assert_clean(response.data, canaries, where, sent)


STAFF_PATHS = {
    "/api/uploads",
    "/api/uploads/{id}",
    "/api/uploads/{id}/publish",
    "/api/documents/{id}/internal",
    "/api/documents/{id}/withdraw",
    "/api/documents/{id}/restore",
    "/api/archive",
    "/api/audit",
}


def test_every_openapi_operation_is_walked(canaries):
    """The OpenAPI document lists the staff endpoints, each refused to anonymous callers."""
    kept = canaries["kept"]
    anonymous = kept.app.test_client()
    spec = anonymous.get("/api/openapi.json").get_json()
    for path, operations in spec["paths"].items():
        for method in operations:
            url = _fill(path, canaries)
            response = anonymous.open(url, method=method.upper(), json=_verify_text())
            assert response.status_code < 500, url
            sent = url + json.dumps(_verify_text(), ensure_ascii=False)
            _assert_clean(response.data, canaries, f"{method} {url}", sent)
            if path in STAFF_PATHS:
                assert response.status_code == 401, url
                body = response.get_json()
                assert body["ok"] is False and body["status"] == 401
                assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_tokens_are_read_from_the_header_only(canaries):
    kept = canaries["kept"]
    client = kept.app.test_client()
    for name in ("token", "access_token"):
        response = client.get(f"/api/search?q={SECRET_WORD}&{name}={kept.tokens['reader']}")
        assert response.status_code == 400
        assert "Authorization" in response.get_json()["error"]
    assert client.get(f"/api/search?q={SECRET_WORD}").get_json()["total"] == 0
    wrong = {"Authorization": f"Basic {kept.tokens['reader']}"}
    assert client.get("/api/health", headers=wrong).status_code == 401


def test_answers_to_signed_in_callers_are_never_cached(canaries):
    kept = canaries["kept"]
    reader = kept.client("reader").get(f"/api/search?q={SECRET_WORD}")
    assert reader.headers["Cache-Control"] == "private, no-store"
    assert {"Cookie", "Authorization"} <= set(reader.headers["Vary"].replace(" ", "").split(","))
    page = kept.client("reader").get(f"/?q={SECRET_WORD}")
    assert page.headers["Cache-Control"] == "private, no-store"


def test_mcp_over_http_serves_the_public_index_only(canaries):
    """The MCP server opens the configured index: the public one (it has no accounts)."""
    from kb.library import Library
    from mcpserver.server import Tools

    tools = Tools(Library(canaries["kept"].settings.index_dir))
    assert tools.search(SECRET_WORD).total == 0
    dumped = json.dumps(tools.search(SHARED).model_dump(), ensure_ascii=False)
    assert SECRET_WORD not in dumped and canaries["internal_doc"] not in dumped
