"""Suggestions while typing (kb.search.suggest, GET /api/suggest) on the small real index."""

from __future__ import annotations

import pytest

from kb.numerals import int_to_cn


def labels(found):
    return [s.label for s in found]


def test_names_complete_what_is_typed(library):
    found = library.suggest("选举")
    assert found[0].text == "选举法" and found[0].kind == "work"
    assert "全国人民代表大会和地方各级人民代表大会选举法" in labels(found)
    assert all("选举" in s.text for s in found)
    assert len({s.document for s in found}) == len({s.detail or s.text for s in found})


def test_articles_of_a_named_work_complete_the_number(library):
    found = library.suggest("代表法第四")
    assert labels(found)[:3] == ["第四条", "第四十条", "第四十一条"]
    assert all(s.kind == "article" and s.text == "代表法" + s.label for s in found)
    assert all(s.detail and not s.detail.startswith("第") for s in found)
    # Arabic numerals, full width and spaces too
    assert labels(library.suggest("代表法 第4"))[:2] == ["第四条", "第四十条"]
    assert labels(library.suggest("代表法第４４")) == ["第四十四条"]


def test_a_whole_article_lists_its_paragraphs(library):
    found = library.suggest("代表法第四十四条第")
    assert found[0].label == "第四十四条"
    paragraphs = [s for s in found if s.kind == "paragraph"]
    assert [s.label for s in paragraphs] == [
        f"第四十四条第{int_to_cn(i)}款" for i in range(1, len(paragraphs) + 1)
    ]
    assert len(paragraphs) >= 2


def test_the_current_version_is_numbered(library):
    """代表法 has two versions in the small index: suggestions come from the current one."""
    found = library.suggest("代表法第")
    current = library.cite("代表法第一条")
    assert found[0].document == current.document.id


@pytest.mark.parametrize("typed", ["", "   ", "xyzzy", "第三十条", "无此法第三条", "法" * 150])
def test_nothing_useful_gives_no_suggestions(library, typed):
    found = library.suggest(typed)
    assert found == [] or all("法" in s.text for s in found)


def test_api_suggest(client):
    body = client.get("/api/suggest?q=代表法第四&limit=3").get_json()
    assert body["ok"] is True and body["query"] == "代表法第四"
    assert [s["label"] for s in body["suggestions"]] == ["第四条", "第四十条", "第四十一条"]
    assert set(body["suggestions"][0]) == {"kind", "text", "label", "detail", "document"}


@pytest.mark.parametrize(
    "url",
    [
        "/api/suggest",
        "/api/suggest?q=",
        "/api/suggest?q=选举&limit=0",
        "/api/suggest?q=选举&limit=x",
        "/api/suggest?q=" + "法" * 101,
    ],
)
def test_api_suggest_refuses_bad_parameters(client, url):
    response = client.get(url)
    assert response.status_code == 400
    body = response.get_json()
    assert body["ok"] is False and body["status"] == 400 and body["error"]
