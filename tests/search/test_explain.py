"""Why a hit matched (kb.search.explain, /api/search?explain=1) on the small real index."""

from __future__ import annotations

import pytest


def explained(client, q, **args):
    query = "&".join(f"{k}={v}" for k, v in {"q": q, "explain": "1", **args}.items())
    body = client.get(f"/api/search?{query}").get_json()
    assert body["ok"] is True
    return body["hits"]


def test_without_explain_hits_have_no_explanation(client):
    hits = client.get("/api/search?q=代表建议").get_json()["hits"]
    assert hits and all("explain" not in h for h in hits)


def test_terms_fields_and_synonyms(client):
    hits = explained(client, "常委会 代表建议")
    why = hits[0]["explain"]
    assert why["matched"] == "text"
    terms = {(t["term"], t["via"]) for t in why["terms"]}
    assert ("常务委员会", "synonym") in terms  # 常委会 → 常务委员会
    assert all(
        t["fields"] and set(t["fields"]) <= {"text", "heading", "title"} for t in why["terms"]
    )
    assert all(v > 0 for t in why["terms"] for v in t["fields"].values())
    assert why["expansions"]["synonyms"]["常委会"] == ["常务委员会"]
    assert 0 < why["coverage"] <= 1
    assert why["semantic"] is None  # no semantic layer in this build


def test_citation_match(client):
    why = explained(client, "选举法第三十条第二款")[0]["explain"]
    assert why["matched"] == "citation"
    assert why["citation"] == {
        "name": "选举法",
        "article": 30,
        "suffix": 0,
        "paragraph": 2,
        "item": None,
    }


def test_priors_say_what_they_are_made_of(client):
    hits = explained(client, "浙江 宪法宣誓")
    local = next(h for h in hits if h["document"]["region"] == "浙江")
    reasons = {r["reason"] for r in local["explain"]["priors"]["reasons"]}
    assert {"local", "region_named"} <= reasons
    named = explained(client, "监督法 专题询问")[0]["explain"]
    assert "监督法" in named["expansions"]["works"]
    assert any(r["reason"] == "work_named" for r in named["priors"]["reasons"])


def test_every_hit_of_the_page_is_explained(library):
    """One explanation per hit, each with the weight its matched terms contributed."""
    result = library.search("人大代表 联系 选民", limit=10)
    why = library.explain("人大代表 联系 选民", result)
    assert len(why) == len(result.hits)
    for w in why:
        assert sum(v for t in w["terms"] for v in t["fields"].values()) > 0


@pytest.mark.parametrize("value", ["2", "yes", "x"])
def test_bad_explain_value(client, value):
    response = client.get(f"/api/search?q=代表&explain={value}")
    assert response.status_code == 400
