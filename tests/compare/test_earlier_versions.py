"""A question's first hits bring their earlier wording: the same article in the superseded
version, right after the current one (kb/compare/earlier.py), on the small real index."""

from __future__ import annotations

from kb.compare import service as compare_service
from kb.compare.earlier import HEAD, earlier_article

QUESTION = "人大代表可以不经统一组织，拿着代表证自己去视察吗？"
TITLE = "中华人民共和国全国人民代表大会和地方各级人民代表大会代表法"


def _earlier(hits) -> list[tuple]:
    return [(i, h) for i, h in enumerate(hits) if h.earlier_version_of]


def test_the_earlier_wording_follows_its_current_article(library):
    hits = library.search(QUESTION, limit=10).hits
    found = _earlier(hits)
    assert found, [h.citation.label for h in hits]
    for i, old in found:
        current = hits[i - 1]
        assert old.earlier_version_of == current.id
        assert current.document.status == "current" and old.document.status == "superseded"
        assert old.document.title == current.document.title == TITLE
        assert old.document.version_date < current.document.version_date
    # only the first hits bring one, each at most once
    assert len(found) <= HEAD
    assert len({h.id for h in hits}) == len(hits)


def test_the_pairs_come_from_the_version_alignment(library):
    snap = library.snapshot()
    old_id, new_id = (v.id for v in library.versions(_doc_id(library))[-2:])
    comparison = compare_service.compare(snap, old_id, new_id)
    statuses = set()
    for pair in comparison.pairs:
        if pair.new is None:
            continue
        before = earlier_article(snap, snap.docnum_of(pair.new.id))
        if pair.old is None:  # an article the revision added has no earlier wording
            assert before is None
            statuses.add("added")
        else:  # every article paired, reworded or renumbered, brings its old text
            assert before == snap.docnum_of(pair.old.id)
            statuses.add(pair.status)
    assert {"added", "renumbered", "changed"} <= statuses
    # an article of the superseded version itself brings nothing
    old_first = compare_service.versions(snap, old_id)[0]
    assert earlier_article(snap, snap.docnum_of(f"{old_first.id}-1")) is None


def test_look_ups_dates_and_all_versions_bring_none(library):
    for kwargs in (
        {"q": "代表法第二十九条"},
        {"q": QUESTION, "versions": "all"},
        {"q": QUESTION, "as_of": "2020-01-01"},
        {"q": '"代表证"'},
    ):
        q = kwargs.pop("q")
        assert not _earlier(library.search(q, limit=10, **kwargs).hits), (q, kwargs)


def test_the_api_and_the_page_mark_it(client):
    body = client.get("/api/search", query_string={"q": QUESTION}).get_json()
    marked = [h for h in body["hits"] if h["earlier_version_of"]]
    assert marked and all(h["document"]["status"] == "superseded" for h in marked)
    ids = [h["id"] for h in body["hits"]]
    for h in marked:
        assert ids[ids.index(h["id"]) - 1] == h["earlier_version_of"]
    explained = client.get("/api/search", query_string={"q": QUESTION, "explain": 1}).get_json()
    assert any(h["explain"]["earlier_version_of"] for h in explained["hits"])
    page = client.get("/", query_string={"q": QUESTION}).get_data(as_text=True)
    assert "上一条的修改前版本" in page and 'class="hit old earlier"' in page


def _doc_id(library) -> str:
    hit = library.search("代表法第二十九条", limit=1).hits[0]
    return hit.document.id
