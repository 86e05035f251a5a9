"""Resolution on synthetic records: versions in force, amendments, reasons, relations, matches."""

from __future__ import annotations

from kb.links import model as m
from kb.links.indexing.build import build_links
from kb.links.indexing.mapping import match_articles
from kb.references import find_references

NATIONAL = "中华人民共和国甲乙法"


def _record(doc_id, title, date, kind="法律", region=None, history=()):
    return {
        "id": doc_id,
        "title": title,
        "work_key": title,
        "kind": kind,
        "region": region,
        "version_date": date,
        "effective_date": None,
        "subtitle": None,
        "source": f"{doc_id}.md",
        "history": list(history),
    }


def _refs(articles: list[str]) -> dict:
    """What kb.links.indexing.extract stores, for a document whose passages are these articles."""
    refs = []
    for ordinal, text in enumerate(articles):
        for r in find_references(text, passage=True):
            positions = [[x.article, x.suffix, x.paragraph, x.item] for x in r.positions]
            refs.append([ordinal, r.start, r.end, r.text, r.work, r.name, r.scope, r.kind,
                         positions, r.relative, r.version])  # fmt: skip
    rows = [[o + 1, 0, o, text.count("\n") + 1, [0] * (text.count("\n") + 1)]
            for o, text in enumerate(articles)]  # fmt: skip
    return {"articles": rows, "refs": refs}


def _articles(n: int) -> list[str]:
    return [f"第{i}条 甲乙丙丁戊己庚辛第{i}项规定。" for i in range(1, n + 1)]


def _collection(local_text: str, local_date: str = "2015-06-01"):
    records = [
        _record("old", NATIONAL, "2010-01-01"),
        _record("new", NATIONAL, "2020-01-01"),
        _record("loc", f"丙省实施《{NATIONAL}》办法", local_date, "地方性法规", "丙省"),
    ]
    references = {
        "old": _refs(_articles(10)),
        "new": _refs(_articles(12)),
        "loc": _refs(["第1条 根据《中华人民共和国甲乙法》，制定本办法。", local_text]),
    }
    return records, references


def _links(data, source="loc"):
    return [m.Link(*row) for row in data["links"] if row[0] == source and row[10] == m.CITES]


def _unresolved(data):
    return [m.Unresolved(*row) for row in data["unresolved"]]


def test_a_reference_goes_to_the_version_in_force_on_the_citing_date():
    data = build_links(*_collection("第2条 依照甲乙法第三条和本办法第一条的规定。"))
    targets = {(x.target_doc, x.target_ordinal, x.scope) for x in _links(data)}
    assert ("old", 2, "named") in targets  # 2015: the 2010 version
    assert ("loc", 0, "self") in targets
    later = build_links(*_collection("第2条 依照甲乙法第三条。", local_date="2021-01-01"))
    assert {x.target_doc for x in _links(later)} == {"new"}


def test_unresolved_references_keep_their_reason():
    text = "第2条 依照甲乙法第十一条、丁戊法第二条和本办法第九条，前款。"
    reasons = {(u.text, u.reason) for u in _unresolved(build_links(*_collection(text)))}
    assert ("甲乙法第十一条", m.BEYOND) in reasons  # the 2010 version has ten articles
    assert ("丁戊法第二条", m.NOT_IN_COLLECTION) in reasons
    assert ("本办法第九条", m.BEYOND) in reasons


def test_the_relation_of_a_local_implementing_measure():
    data = build_links(*_collection("第2条 甲乙丙。"))
    assert [m.Relation(*r) for r in data["relations"]] == [
        m.Relation("loc", m.IMPLEMENTS_WORK, "old")
    ]
    assert data["summary"]["implementing"] == {"documents": 1, "linked": 1, "not_linked": []}


def test_an_amendment_refers_to_the_law_it_amends():
    records, references = _collection("第2条 甲乙丙。")
    records.append(_record("amd", f"{NATIONAL}修正案", "2020-01-01"))
    references["amd"] = _refs(["第1条 将本法第十二条修改为：“甲乙丙。”"])
    data = build_links(records, references)
    assert [(x.target_doc, x.target_ordinal) for x in _links(data, "amd")] == [("new", 11)]


def test_a_later_version_is_flagged_and_a_revision_since_stops_the_link():
    amendment = {"date": "2020-01-01", "event": "修正", "text": "通过的《甲乙法修正案》"}
    records = [
        _record("only", NATIONAL, "2020-01-01", history=[amendment]),
        _record("cit", "丙省甲条例", "2015-01-01", "地方性法规", "丙省"),
    ]
    references = {"only": _refs(_articles(5)), "cit": _refs(["第1条 依照甲乙法第三条。"])}
    link = _links(build_links(records, references), "cit")[0]
    assert (link.target_doc, link.exact) == ("only", False)
    for renumbering in ("修订", "修正"):  # a revision, or a 关于修改…的决定 may renumber
        records[0]["history"] = [{"date": "2019-01-01", "event": renumbering, "text": "决定"}]
        data = build_links(records, references)
        assert not _links(data, "cit")
        assert _unresolved(data)[0].reason == m.REVISED


def test_implementing_articles_match_the_national_articles_they_rewrite():
    national = [
        (1, "第一条 代表有权依照法律规定的程序向本级人民代表大会提出议案。"),
        (2, "第二条 代表应当与原选区选民保持密切联系，听取和反映他们的意见。"),
        (3, "第三条 本法自公布之日起施行。"),
    ]
    local = [
        (10, "第十条 代表应当与原选区选民或者原选举单位保持密切联系，听取和反映意见。"),
        (11, "第十一条 本办法自2016年1月1日起施行。"),
    ]
    assert [(a, b) for a, b, _s in match_articles(local, national)] == [(10, 2)]
