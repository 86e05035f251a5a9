"""Versions of a work: status, validity intervals, parts of one version, duplicate copies."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.collection import parse_file
from corpus.versioning import apply_versions
from kb.models import CURRENT, SUPERSEDED
from kb.versions import VersionStatus, duplicates, resolve_versions, valid_from


def rec(
    doc_id: str,
    work: str,
    date: str | None,
    effective: str | None = None,
    subtitle: str | None = None,
    source: str | None = None,
) -> dict:
    return {
        "id": doc_id,
        "work_key": work,
        "version_date": date,
        "effective_date": effective,
        "subtitle": subtitle,
        "source": source or f"{doc_id}.md",
    }


@pytest.mark.parametrize(
    "version_date, effective_date, expected",
    [
        ("2020-01-01", "2020-06-01", "2020-06-01"),
        ("2020-01-01", None, "2020-01-01"),
        (
            "2020-01-01",
            "2016-11-01",
            "2020-01-01",
        ),  # the original's 施行 date, older than the version
        (None, "2016-11-01", "2016-11-01"),
        (None, None, None),
    ],
)
def test_valid_from(version_date, effective_date, expected) -> None:
    assert valid_from(version_date, effective_date) == expected


def test_two_versions() -> None:
    info = resolve_versions([rec("b", "甲法", "2025-03-11"), rec("a", "甲法", "2015-08-29")])
    assert info["a"] == VersionStatus(SUPERSEDED, "2015-08-29", "2025-03-11")
    assert info["b"] == VersionStatus(CURRENT, "2025-03-11", None)


def test_superseded_until_the_next_version_takes_effect() -> None:
    info = resolve_versions(
        [
            rec("a", "甲", "2006-08-27", "2007-01-01"),
            rec("b", "甲", "2024-11-08", "2025-01-01"),
            rec("c", "乙", "2024-11-08"),
        ]
    )
    assert info["a"] == VersionStatus(SUPERSEDED, "2007-01-01", "2025-01-01")
    assert info["b"] == VersionStatus(CURRENT, "2025-01-01", None)
    assert info["c"].status == CURRENT


def test_parts_of_one_version_share_it() -> None:
    parts = [
        rec(f"p{i}", "民法典", "2020-05-28", "2021-01-01", subtitle=name)
        for i, name in enumerate(["总则", "物权编", "附则"])
    ]
    info = resolve_versions(parts)
    assert {v.status for v in info.values()} == {CURRENT}
    assert {v.valid_from for v in info.values()} == {"2021-01-01"}
    assert not duplicates(parts)


def test_copies_in_two_folders_are_one_version() -> None:
    records = [
        rec("y", "广告法", "2021-04-29", source="法律/b/广告法(2021-04-29).md"),
        rec("x", "广告法", "2021-04-29", source="法律/a/广告法(2021-04-29).md"),
    ]
    info = resolve_versions(records)
    assert info["x"].status == info["y"].status == CURRENT
    assert info["x"].duplicate_of is None and info["y"].duplicate_of == "x"
    assert duplicates(records) == {"y": "x"}


def test_records_may_be_objects_with_doc_id() -> None:
    class Row:
        def __init__(self, doc_id: str, date: str) -> None:
            self.doc_id, self.work_key, self.version_date = doc_id, "甲", date
            self.effective_date = None

    info = resolve_versions([Row("a", "2001-01-01"), Row("b", "2002-01-01")])
    assert (info["a"].status, info["b"].status) == (SUPERSEDED, CURRENT)


# --- real files ---------------------------------------------------------------------------

DEPUTIES = "法律/宪法相关法/全国人民代表大会和地方各级人民代表大会代表法({}).md"


def test_deputies_law_has_two_versions(corpus_dir: Path) -> None:
    docs = [
        parse_file(corpus_dir / DEPUTIES.format(d), corpus_dir)
        for d in ("2015-08-29", "2025-03-11")
    ]
    resolved, hidden = apply_versions(docs)
    old, new = resolved
    assert old.work_key == new.work_key and not hidden
    assert (old.status, old.valid_to) == (SUPERSEDED, "2025-03-11")
    assert (new.status, new.valid_from, new.valid_to) == (CURRENT, "2025-03-11", None)


def test_civil_code_is_one_work_with_one_version(corpus_dir: Path) -> None:
    files = sorted((corpus_dir / "法律" / "民法典").glob("*.md"))
    docs = [parse_file(f, corpus_dir) for f in files]
    assert len(docs) == 8
    resolved, hidden = apply_versions(docs)
    assert len({d.work_key for d in resolved}) == 1 and not hidden
    assert {(d.version_date, d.status) for d in resolved} == {("2020-05-28", CURRENT)}
    assert len({d.subtitle for d in resolved}) == 8
    article = next(p for d in resolved for p in d.passages if p.article == 56)
    assert article.citation.label == "《中华人民共和国民法典》第五十六条"


def test_multi_version_originals_show_their_version(corpus_dir: Path) -> None:
    name = "法律/宪法相关法/各级人民代表大会常务委员会监督法({}).md"
    docs = [
        parse_file(corpus_dir / name.format(d), corpus_dir) for d in ("2006-08-27", "2024-11-08")
    ]
    resolved, _ = apply_versions(docs)
    labels = [next(p for p in d.passages if p.article == 1).citation.label for d in resolved]
    for document, label in zip(resolved, labels, strict=True):
        assert document.version_label in label
    assert labels[0] != labels[1]
