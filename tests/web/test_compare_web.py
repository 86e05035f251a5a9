"""Version comparison over the small real index: the JSON API (against its OpenAPI schemas),
the 对照 and 历次修改 pages, the links to them, and `kb compare` / `kb history`."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest

from kb.compare.diff import new_text, old_text

OLD = "b0294960f2e5"  # 代表法 (2015-08-29), id = sha1 of its corpus path
NEW = "5c72d24d3df2"  # 代表法 (2025-03-11)
ELECTION = "选举法第三十条"


@pytest.fixture(scope="module")
def spec(client_module):
    return client_module.get("/api/openapi.json").get_json()


@pytest.fixture(scope="module")
def client_module(app):
    return app.test_client()


def validate(spec, body, name):
    schema = {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}
    jsonschema.Draft202012Validator(schema).validate(body)


def test_ids_are_the_two_versions(library):
    assert [v.id for v in library.versions(NEW)] == [OLD, NEW]
    assert library.find_version("代表法2015") == OLD and library.find_version("代表法") == NEW


def test_compare_envelope(client, spec):
    body = client.get(f"/api/compare?from={OLD}&to={NEW}").get_json()
    validate(spec, body, "CompareEnvelope")
    assert body["from"]["id"] == OLD and body["to"]["id"] == NEW and body["from"]["parts"] == [OLD]
    pairs = body["pairs"]
    for p in pairs:
        diff = [tuple(run) for run in p["diff"]]
        assert old_text(diff) == (p["from"]["text"] if p["from"] else "")
        assert new_text(diff) == (p["to"]["text"] if p["to"] else "")
    counts = {s: sum(p["status"] == s for p in pairs) for s in body["summary"] if s != "headings"}
    assert counts == {k: v for k, v in body["summary"].items() if k != "headings"}
    assert counts["added"] >= 10 and counts["renumbered"] >= 40
    moved = next(p for p in pairs if p["from"] and p["from"]["label"] == "第三十六条")
    assert moved["status"] == "renumbered" and moved["to"]["label"] == "第四十四条"
    assert moved["diff"][:2] == [["-", "第三十六条"], ["+", "第四十四条"]]


@pytest.mark.parametrize(
    "url, status",
    [
        ("/api/compare", 400),
        (f"/api/compare?from={OLD}", 400),
        (f"/api/compare?from={OLD}&to=nope", 404),
        (f"/api/compare?from={OLD}&to={'x' * 200}", 400),
        ("/api/history", 400),
        ("/api/history?ref=无此法第一条", 404),
        ("/api/history?ref=代表法第四十四条&as_of=2020-13-01", 400),
    ],
)
def test_compare_and_history_errors(client, spec, url, status):
    response = client.get(url)
    assert response.status_code == status
    validate(spec, response.get_json(), "ErrorEnvelope")


def test_two_works_cannot_be_compared(client, library):
    other = library.cite(ELECTION).document.id
    body = client.get(f"/api/compare?from={OLD}&to={other}").get_json()
    assert body["status"] == 400 and "not versions of one work" in body["error"]


def test_compare_is_cached(library):
    assert library.compare(OLD, NEW) is library.compare(OLD, NEW)


def test_history_follows_renumbering(client, spec):
    body = client.get("/api/history?ref=代表法第四十四条").get_json()
    validate(spec, body, "HistoryEnvelope")
    versions = body["versions"]
    assert [v["document"]["id"] for v in versions] == [OLD, NEW]
    assert [v["label"] for v in versions] == ["第三十六条", "第四十四条"]
    assert [v["status"] for v in versions] == ["original", "renumbered"]
    assert new_text([tuple(r) for r in versions[1]["diff"]]) == versions[1]["text"]


def test_history_of_added_and_deleted_articles(library):
    added = library.history("代表法第三条")  # new in 2025
    assert [v.status for v in added.versions] == ["absent", "added"]
    deleted = library.history("代表法第三十七条", as_of="2016-01-01")  # gone in 2025
    assert [v.status for v in deleted.versions] == ["original", "deleted"]
    assert deleted.versions[1].passage is None


def test_single_version_history(library):
    history = library.history(ELECTION)
    assert [v.status for v in history.versions] == ["original"]


def test_compare_page(client):
    html = client.get(f"/compare?from={OLD}&to={NEW}").get_data(as_text=True)
    assert "新旧对照" in html and "<del>" in html and "<ins>" in html
    rows = re.findall(r'<tr class="pair status-(\w+)"', html)
    assert rows.count("unchanged") >= 1 and rows.count("added") >= 10
    assert f'href="/documents/{OLD}?p=35#p35"' in html  # each side links to its article
    changes = client.get(f"/compare?from={OLD}&to={NEW}&show=changes").get_data(as_text=True)
    shown = re.findall(r'<tr class="pair status-(\w+)"', changes)
    assert "unchanged" not in shown and len(shown) == len(rows) - rows.count("unchanged")
    only = client.get(f"/compare?from={OLD}&to={NEW}&show=deleted").get_data(as_text=True)
    assert set(re.findall(r'<tr class="pair status-(\w+)"', only)) == {"deleted"}


def test_compare_page_errors_and_neighbour(client):
    assert client.get(f"/compare?from={OLD}&to={NEW}&show=nonsense").status_code == 400
    assert client.get(f"/compare?from={OLD}&to=nope").status_code == 404
    response = client.get(f"/compare?to={NEW}")
    assert response.status_code == 302 and f"from={OLD}" in response.location


def test_history_page(client):
    html = client.get("/history?ref=代表法第四十四条").get_data(as_text=True)
    assert "历次修改" in html and "第三十六条" in html and "条号变动" in html
    by_passage = client.get(f"/history?passage={NEW}-43").get_data(as_text=True)
    assert "第三十六条" in by_passage
    assert client.get("/history?passage=nope-1").status_code == 404


def test_links_from_document_and_search(client):
    doc = client.get(f"/documents/{NEW}").get_data(as_text=True)
    assert f"/compare?from={OLD}&amp;to={NEW}" in doc
    assert f"/history?passage={NEW}-43" in doc
    hits = client.get("/?q=代表法第四十四条修改了什么").get_data(as_text=True)
    assert "新旧对照" in hits and "历次修改" in hits
    plain = client.get("/?q=代表法第四十四条").get_data(as_text=True)
    assert "历次修改" in plain and "新旧对照" not in plain


def test_cli_compare_and_history(runner):
    from cli import main

    result = runner.invoke(main, ["compare", "代表法2015", "代表法"])
    assert result.exit_code == 0, result.output
    assert "[条号变动] 第三十六条 → 第四十四条" in result.output and "[-" in result.output
    as_json = json.loads(runner.invoke(main, ["compare", OLD, "--json"]).output)
    assert as_json["from"]["id"] == OLD and as_json["to"]["id"] == NEW
    assert runner.invoke(main, ["compare", "代表法", ELECTION[:3]]).exit_code == 2
    history = runner.invoke(main, ["history", "代表法第四十四条"])
    assert history.exit_code == 0 and "收录的最早版本" in history.output
    assert runner.invoke(main, ["history", "无此法第一条"]).exit_code == 2
