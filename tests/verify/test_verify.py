"""Citation checking (kb.verify.checker, POST /api/verify, the 核对引用 page) on the small real index."""

from __future__ import annotations

import jsonschema
import pytest

from devkit.verify_cases import CaseMaker, score, verdict_for
from kb.verify.checker import MAX_VERIFY_CHARS, VERDICTS


@pytest.fixture(scope="module")
def snap(library):
    return library.snapshot()


def test_generated_cases_all_get_their_verdict(snap):
    """Cases made from the small index's own articles (devkit/verify_cases.py): every verdict right.
    bench/bench_verify.py runs the same on the whole corpus and prints precision and recall."""
    from kb.verify.checker import verify_text

    cases = CaseMaker(snap, seed=7).cases(per_kind=6)
    assert {c.expected for c in cases} == set(VERDICTS)
    predicted = [verdict_for(c, list(verify_text(snap, c.text).verdicts)) for c in cases]
    result = score(cases, predicted)
    assert result["wrong"] == [], result["wrong"][:3]
    assert len(cases) >= 60


def check(library, text):
    return [(v.claim.citation, v.claim.quote, v.verdict) for v in library.verify(text).verdicts]


def test_quotations_attach_before_and_after(library):
    text = (
        "宪法第二条规定：“中华人民共和国的一切权力属于人民。”"
        "“国家机构实行民主集中制的原则”（宪法第三条）。"
        "宪法第三条规定：“中华人民共和国的一切权力属于人民。”"
    )
    assert check(library, text) == [
        ("宪法第二条", "中华人民共和国的一切权力属于人民。", "ok"),
        ("宪法第三条", "国家机构实行民主集中制的原则", "ok"),
        ("宪法第三条", "中华人民共和国的一切权力属于人民。", "wrong_article"),
    ]


def test_a_changed_word_is_shown_as_a_diff(library):
    found = library.verify("宪法第二条规定：“中华人民共和国的一切权利属于人民。”").verdicts
    (v,) = found
    assert v.verdict == "misquoted"
    changed = [d for d in v.diff if d["op"] != "equal"]
    assert changed == [{"op": "replace", "quoted": "利", "actual": "力"}]


def test_older_versions(library):
    old = library.cite("代表法第四十四条", versions="all", as_of="2016-01-01")
    quote = old.text.split(" ", 1)[1].split("。")[0]
    current = library.cite("代表法第四十四条")
    assert quote not in current.text  # the small index's 代表法 changed this article
    (v,) = library.verify(f"代表法第四十四条规定：“{quote}。”").verdicts
    assert v.verdict == "superseded"
    assert v.passage.passage.id == old.id and v.current.passage.id == current.id
    assert v.changed == current.document.version_date or v.changed
    title = current.document.title
    (v,) = library.verify(f"《{title}》（2015年修正）第四十四条").verdicts
    assert v.verdict == "superseded" and v.current.passage.id == current.id


def test_unknown_names_and_numbers(library):
    assert check(library, "《中华人民共和国星际旅行法》第三条") == [
        ("《中华人民共和国星际旅行法》第三条", None, "not_found")
    ]
    assert check(library, "选举法第九百条")[0][2] == "no_such_article"
    assert check(library, "选举法第三十条第九款")[0][2] == "no_such_article"
    assert check(library, "选举法第三十条第二款")[0][2] == "ok"


@pytest.mark.parametrize("text", ["", "   ", None, 5, "法" * (MAX_VERIFY_CHARS + 1)])
def test_bad_text_is_refused(library, text):
    from kb.errors import BadQuery

    with pytest.raises(BadQuery):
        library.verify(text)


def test_api_verify_matches_its_schema(client):
    spec = client.get("/api/openapi.json").get_json()
    text = "宪法第二条规定：“中华人民共和国的一切权利属于人民。”《中华人民共和国梦想法》第一条。"
    response = client.post("/api/verify", json={"text": text})
    assert response.status_code == 200
    body = response.get_json()
    schema = {"$ref": "#/components/schemas/VerifyEnvelope", "components": spec["components"]}
    jsonschema.Draft202012Validator(schema).validate(body)
    assert [c["verdict"] for c in body["citations"]] == ["misquoted", "not_found"]
    assert body["counts"]["misquoted"] == 1 and body["characters"] == len(text)
    first = body["citations"][0]
    assert text[first["start"] : first["end"]] == first["citation"]
    assert text[first["quote_start"] : first["quote_end"]] == first["quote"]
    assert first["passage"]["label"] == first["label"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"data": "text=宪法第二条"},
        {"json": ["宪法第二条"]},
        {"json": {"txt": "宪法第二条"}},
        {"json": {"text": 3}},
        {"json": {"text": ""}},
        {"json": {"text": "法" * (MAX_VERIFY_CHARS + 1)}},
    ],
)
def test_api_verify_refuses_bad_bodies(client, kwargs):
    response = client.post("/api/verify", **kwargs)
    assert response.status_code == 400
    body = response.get_json()
    assert body["ok"] is False and body["status"] == 400


def test_api_verify_body_limit(client):
    response = client.post("/api/verify", data=b"x" * 400_000, content_type="application/json")
    assert response.status_code == 413
    # the longest text as escaped JSON fits
    response = client.post(
        "/api/verify",
        data='{"text": "' + "\\u6cd5" * MAX_VERIFY_CHARS + '"}',
        content_type="application/json",
    )
    assert response.status_code == 200


def test_verify_page(client):
    page = client.get("/verify")
    assert page.status_code == 200 and "核对引用" in page.get_data(as_text=True)
    html = client.post(
        "/verify", data={"text": "宪法第二条规定：“中华人民共和国的一切权利属于人民。”"}
    ).get_data(as_text=True)
    assert "引文有误" in html and "<del" in html and "<ins" in html
    assert client.post("/verify", data={"text": ""}).status_code == 400
