"""The JSON API on the small index: every endpoint and error, headers, the OpenAPI document."""

from __future__ import annotations

import json
import re
from dataclasses import fields

import jsonschema
import openapi_spec_validator
import pytest

from kb.models import DocumentInfo

ERROR_KEYS = {"ok", "error", "status"}


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()


def assert_error(body, status):
    assert set(body) == ERROR_KEYS
    assert body["ok"] is False and body["status"] == status and body["error"]
    assert "Traceback" not in body["error"]


def test_search_envelope(client):
    body = get_json(client, "/api/search?q=选举法第三十条")
    assert body["ok"] is True and body["query"] == "选举法第三十条"
    assert {"total", "limit", "offset", "took_ms", "hits"} <= set(body)
    hit = body["hits"][0]
    assert {
        "id",
        "score",
        "text",
        "article",
        "paragraph",
        "heading_path",
        "snippet",
        "document",
        "citation",
        "url",
    } <= set(hit)
    assert {
        "id",
        "title",
        "kind",
        "region",
        "source",
        "version_date",
        "effective_date",
        "status",
    } <= set(hit["document"])
    assert hit["article"] == 30 and hit["matched"] == "citation"
    assert hit["citation"]["label"].endswith("第三十条")
    assert hit["url"] == f"/documents/{hit['document']['id']}#p{hit['id'].rsplit('-', 1)[1]}"
    assert set(hit["snippet"]) == {"text", "highlights"}


def test_chinese_is_not_escaped(client):
    raw = client.get("/api/search?q=代表法第四十四条").get_data()
    assert "代表法".encode() in raw and b"\\u" not in raw
    assert client.get("/api/search?q=x").content_type.startswith("application/json")


def test_search_matches_cli_json(client, runner):
    from cli import main

    result = runner.invoke(main, ["search", "--json", "--limit", "5", "常委会任免程序"])
    assert result.exit_code == 0, result.output
    cli_body = json.loads(result.output)
    api_body = get_json(client, "/api/search?q=常委会任免程序&limit=5")
    for body in (cli_body, api_body):
        body.pop("took_ms")
    assert cli_body == api_body


def test_filters(client):
    kinds = get_json(client, "/api/search?q=代表&kind=宪法&kind=司法解释&limit=50")
    assert kinds["hits"] and {h["document"]["kind"] for h in kinds["hits"]} <= {"宪法", "司法解释"}
    region = get_json(client, "/api/search?q=宪法宣誓&region=浙江")
    assert region["hits"] and all(h["document"]["region"] == "浙江" for h in region["hits"])
    old = get_json(client, "/api/search?q=代表法第四十四条&as_of=2020-01-01")
    assert old["hits"][0]["document"]["version_date"] == "2015-08-29"
    every = get_json(client, "/api/search?q=代表法第四十四条&versions=all")
    assert {h["document"]["status"] for h in every["hits"]} == {"current", "superseded"}


def test_pagination(client):
    first = get_json(client, "/api/search?q=代表&limit=5")
    second = get_json(client, "/api/search?q=代表&limit=5&offset=5")
    assert (first["limit"], second["offset"]) == (5, 5) and len(first["hits"]) == 5
    assert not {h["id"] for h in first["hits"]} & {h["id"] for h in second["hits"]}


@pytest.mark.parametrize(
    "query",
    [
        "q=代表&limit=0",
        "q=代表&limit=1000000000",
        "q=代表&limit=abc",
        "q=代表&limit=1.5",
        "q=代表&limit=-5",
        "q=代表&offset=-1",
        "q=代表&offset=99999999",
        "q=代表&as_of=2024-13-01",
        "q=代表&as_of=yesterday",
        "q=代表&kind=小说",
        "q=代表&versions=old",
        "q=",
        "q=%20%20",
        "q=" + "法" * 501,
        "kind=法律",
        "",
    ],
)
def test_bad_search_parameters(client, query):
    assert_error(get_json(client, "/api/search?" + query, 400), 400)


def test_huge_article_number_is_not_a_server_error(client):
    assert client.get("/api/search?q=第九九九九九九九九九九九条").status_code < 500


@pytest.mark.parametrize(
    "q",
    [
        "%00",
        "%ED%A0%80",
        "%FF%FE",
        "*",
        "《》",
        '""',
        "%E3%80%80",
        "选举法第99999999999999999999条",
        "a OR b AND NOT c",
    ],
)
def test_odd_queries_are_not_server_errors(client, q):
    assert client.get(f"/api/search?q={q}").status_code in (200, 400)


def test_empty_values_mean_defaults(client):
    body = get_json(client, "/api/search?q=代表&limit=&offset=&as_of=&versions=&kind=")
    assert (body["limit"], body["offset"]) == (10, 0)


def test_passage_and_document(client):
    hit = get_json(client, "/api/search?q=代表法第四十四条")["hits"][0]
    passage = get_json(client, f"/api/passages/{hit['id']}")["hit"]
    assert passage["id"] == hit["id"] and passage["text"] == hit["text"]
    doc = get_json(client, f"/api/documents/{hit['document']['id']}")
    assert doc["document"]["title"] == hit["document"]["title"]
    assert len(doc["versions"]) == 2 and doc["document"]["headings"]
    assert hit["id"] in {p["id"] for p in doc["passages"]}
    ordinals = [p["ordinal"] for p in doc["passages"]]
    assert ordinals == sorted(ordinals)


def test_cite(client):
    body = get_json(client, "/api/cite?ref=选举法第三十条第二款")
    assert body["hit"]["paragraph"] == 2
    assert body["hit"]["citation"]["label"].endswith("第三十条第二款")
    old = get_json(client, "/api/cite?ref=代表法第四十四条&as_of=2020-01-01")
    assert old["hit"]["document"]["version_date"] == "2015-08-29"


@pytest.mark.parametrize(
    "url, status",
    [
        ("/api/cite?ref=选举法第九百条", 404),
        ("/api/cite?ref=不存在法第三条", 404),
        ("/api/cite", 400),
        ("/api/cite?ref=选民登记", 400),
        ("/api/cite?ref=选举法第三十条&versions=some", 400),
        ("/api/cite?ref=选举法第三十条&as_of=2020-02-30", 400),
        ("/api/passages/no-such-passage", 404),
        ("/api/passages/" + "x" * 300, 404),
        ("/api/documents/no-such-document", 404),
        ("/api/documents/..%2F..%2Fetc%2Fpasswd", 404),
        ("/api/documents/%2E%2E/%2E%2E/pyproject.toml", 404),
        ("/api/no-such-route", 404),
        ("/api", 404),
    ],
)
def test_error_envelope(client, url, status):
    assert_error(get_json(client, url, status), status)


def test_method_not_allowed(client):
    response = client.post("/api/search?q=代表")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]
    assert_error(response.get_json(), 405)


def test_oversized_requests_are_refused(client):
    response = client.get("/api/search?q=" + "代" * 20_000)
    assert response.status_code == 414
    assert_error(response.get_json(), 414)
    response = client.post("/api/search", data=b"x" * 100_000)
    assert response.status_code == 413
    assert_error(response.get_json(), 413)


def test_oversized_requests_do_no_search_work(app, client, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("searched although the request was over the limit")

    monkeypatch.setattr(app.extensions["kb.library"], "search", forbidden)
    for response in (
        client.get("/api/search?q=" + "a" * 100_000),
        client.get("/?q=" + "代" * 20_000),
        client.get("/api/search?q=代表", data=b"x" * 100_000),
        client.post("/api/search?q=代表", data=b"x" * 100_000),
    ):
        assert response.status_code in (413, 414)
    body = client.get("/api/search?q=" + "a" * 100_000).get_json()
    assert_error(body, 414)


def test_longest_valid_query_is_not_refused_by_the_size_limit(client):
    from kb.config import MAX_QUERY_CHARS

    longest = "代" * MAX_QUERY_CHARS  # percent-encoded by the client: 9 bytes a character
    assert client.get("/api/search", query_string={"q": longest}).status_code == 200
    over = client.get("/api/search", query_string={"q": longest + "代"})
    assert_error(over.get_json(), 400)


def test_internal_error_has_no_traceback(app, client, monkeypatch):
    library = app.extensions["kb.library"]

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(library, "search", broken)
    response = client.get("/api/search?q=代表")
    assert response.status_code == 500
    assert_error(response.get_json(), 500)
    assert b"secret internals" not in response.get_data()
    page = client.get("/?q=代表")
    assert page.status_code == 500 and b"secret internals" not in page.get_data()


def test_health(client):
    body = get_json(client, "/api/health")
    assert body["ok"] is True and body["index"]["documents"] == 15
    assert body["index"]["passages"] > 100 and body["index"]["build"]


def test_health_without_index(tmp_path):
    from tests.support.shapes import checked_app

    client = checked_app({"INDEX_DIR": str(tmp_path / "none")}).test_client()
    assert_error(get_json(client, "/api/health", 503), 503)
    assert_error(get_json(client, "/api/search?q=代表", 503), 503)
    page = client.get("/")
    assert page.status_code == 503 and "kb index" in page.get_data(as_text=True)


SECURED = [
    "/",
    "/?q=代表",
    "/api/search?q=代表",
    "/api/no-such-route",
    "/no-such-page",
    "/static/kb.css",
    "/static/kb.js",
    "/static/nope.css",
    "/api/search?limit=0",
]
# Other methods and odd paths: 405s, 404 static files, HEAD/OPTIONS, redirects, 413/414, 500.
SECURED_MORE = [
    ("POST", "/api/search?q=代表"),
    ("DELETE", "/static/kb.css"),
    ("PUT", "/"),
    ("GET", "/static/nope.js"),
    ("GET", "/static/../pyproject.toml"),
    ("HEAD", "/static/kb.js"),
    ("OPTIONS", "/api/search"),
    ("HEAD", "/?q=代表"),
    ("GET", "/api/passages//x"),
    ("GET", "/api/search?q=" + "a" * 20_000),
    ("GET", "/documents/nope"),
    ("GET", "/api/health"),
    ("GET", "/api/openapi.json"),
]


def assert_secured(headers) -> None:
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("method, url", SECURED_MORE)
def test_security_headers_on_other_methods_and_errors(client, method, url):
    response = client.open(url, method=method)
    response.close()
    assert response.status_code < 500
    assert_secured(response.headers)


def test_security_headers_on_oversized_body_and_internal_error(app, client, monkeypatch):
    response = client.post("/api/search", data=b"x" * 100_000)
    assert response.status_code == 413
    assert_secured(response.headers)
    monkeypatch.setattr(app.extensions["kb.library"], "search", lambda *a, **k: 1 / 0)
    response = client.get("/?q=代表")
    assert response.status_code == 500
    assert_secured(response.headers)


@pytest.mark.parametrize("url", SECURED)
def test_security_headers(client, url):
    response = client.get(url)
    response.close()  # static files are streamed from an open file
    assert_secured(response.headers)


def test_hit_document_keys_follow_the_model(library):
    from kb.shapes.search import hit_dict

    hit = library.search("代表法第四十四条").hits[0]
    assert set(hit_dict(hit)["document"]) == {f.name for f in fields(DocumentInfo)}


# The OpenAPI document: valid, covering every route, and true of real responses.
@pytest.fixture(scope="module")
def spec(app):
    return app.test_client().get("/api/openapi.json").get_json()


def validate(spec, body, name):
    schema = {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}
    jsonschema.Draft202012Validator(schema).validate(body)


def test_document_is_valid_openapi(spec):
    assert spec["openapi"].startswith("3.1")
    openapi_spec_validator.validate(spec)


def test_every_api_route_is_documented(app, spec):
    routes = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
    }
    assert routes == set(spec["paths"])


CASES = [
    ("/api/search?q=选举法第三十条", 200, "SearchEnvelope"),
    ("/api/search?q=常委会任免程序&limit=20&versions=all", 200, "SearchEnvelope"),
    ("/api/search?q=xyzzy无此词", 200, "SearchEnvelope"),
    ("/api/search?q=代表&limit=0", 400, "ErrorEnvelope"),
    ("/api/cite?ref=选举法第三十条第二款", 200, "HitEnvelope"),
    ("/api/cite?ref=选举法第九百条", 404, "ErrorEnvelope"),
    ("/api/health", 200, "HealthEnvelope"),
    ("/api/passages/nope", 404, "ErrorEnvelope"),
    ("/api/documents/nope", 404, "ErrorEnvelope"),
]


@pytest.mark.parametrize("url, status, name", CASES)
def test_responses_match_the_schemas(client, spec, url, status, name):
    response = client.get(url)
    assert response.status_code == status
    validate(spec, response.get_json(), name)
    path = url.split("?")[0]
    if path.count("/") == 3:  # /api/passages/<id>, /api/documents/<id>
        path = path.rsplit("/", 1)[0] + "/{id}"
    documented = spec["paths"].get(path, {}).get("get", {}).get("responses", {})
    assert str(status) in documented


def resolved(spec, schema: dict) -> dict:
    """A schema with its $ref (if any) followed into the components."""
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_health_document_describes_every_key_it_returns(client, spec):
    """The health envelope's `vectors` (the semantic layer's state) was returned, not described."""
    index = resolved(spec, resolved(spec, spec["components"]["schemas"]["HealthEnvelope"]))
    index = resolved(spec, index["properties"]["index"])
    returned = get_json(client, "/api/health")["index"]
    assert set(returned) == set(index["properties"]), "health keys and documented keys differ"
    vectors = resolved(spec, index["properties"]["vectors"])
    assert {"enabled", "complete", "coverage"} <= set(vectors["properties"])


def test_an_answer_with_an_undeclared_key_is_caught(client, monkeypatch):
    """The check every test's answers go through (tests.support.shapes) allows no other key."""
    from tests.support import shapes

    monkeypatch.setattr("web.api.health_envelope", lambda h: {"ok": True, "index": h, "x": 1})
    assert client.get("/api/health").status_code == 200
    with pytest.raises(AssertionError, match="Extra inputs are not permitted"):
        shapes.assert_no_mismatch()


def test_passage_and_document_match_the_schemas(client, spec):
    hit = client.get("/api/search?q=代表法第四十四条").get_json()["hits"][0]
    validate(spec, client.get(f"/api/passages/{hit['id']}").get_json(), "HitEnvelope")
    doc = client.get(f"/api/documents/{hit['document']['id']}").get_json()
    validate(spec, doc, "DocumentEnvelope")
    bulletin = client.get("/api/search?q=代表工作&kind=工作简报").get_json()["hits"][0]
    validate(
        spec,
        client.get(f"/api/documents/{bulletin['document']['id']}").get_json(),
        "DocumentEnvelope",
    )
