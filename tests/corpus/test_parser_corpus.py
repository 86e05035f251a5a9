"""Structure parsers on real files from ../shared/corpus: a work bulletin, the election law, the
criminal law's inserted articles, a numbered interpretation, the constitution and its amendments,
a table of contents, a part of the civil code; reparsing gives the same ids.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.collection import parse_file
from kb.labels import render_label
from kb.models import Document
from tests.support.parsing import articles

# --- real files ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def parse_real(corpus_dir: Path):
    cache: dict[str, Document] = {}

    def parse(source: str) -> Document:
        if source not in cache:
            cache[source] = parse_file(corpus_dir / source, corpus_dir)
        return cache[source]

    return parse


BULLETIN = "工作简报/代表工作简报(2024年度第2期).txt"
ELECTION = "法律/宪法相关法/全国人民代表大会和地方各级人民代表大会选举法(2020-10-17).md"


def test_bulletin(parse_real) -> None:
    doc = parse_real(BULLETIN)
    assert (doc.title, doc.kind, doc.issue, doc.version_date, doc.version_label) == (
        "代表工作简报(2024年度第2期)",
        "工作简报",
        "2024年度第2期",
        "2024-07-25",
        "2024年度第2期",
    )
    assert doc.issuer == "贵州省人大常委会代表工作委员会" and doc.region == "贵州"
    title, *sections = [h for h in doc.headings]
    assert title.text.endswith("推动人大选举任免及代表工作高质量发展") and " " in title.text
    assert [h.level for h in sections] == [1, 1, 1]
    assert [h.text[:2] for h in sections] == ["一、", "二、", "三、"]
    roles = [p.role for p in doc.passages]
    assert roles[0] == "editor_note" and set(roles[1:]) == {"paragraph"}
    assert len(doc.passages) == 11  # 编者按, title, 3 section headings, 6 paragraphs
    assert doc.passages[1].text == title.text
    assert doc.passages[2].heading_path == (title.text,)
    heading, first = doc.passages[3], doc.passages[4]
    assert heading.text == sections[0].text and sections[0].first_passage == 3
    assert first.heading_path == (title.text, sections[0].text)
    assert first.text.startswith("一是") and "二是" in first.text
    assert first.citation.label == f"《{doc.title}》{sections[0].text}"
    assert [r[:3] for r in doc.recipients] == ["抄送:", "分送:"]
    texts = "\n".join(p.text for p in doc.passages)
    assert "抄送" not in texts and "供稿" not in texts
    assert any(h.event == "供稿" for h in doc.history)


def test_election_law_article_30(parse_real) -> None:
    doc = parse_real(ELECTION)
    art = next(p for p in doc.passages if p.article == 30)
    assert art.label == "第三十条" and len(art.paragraphs) >= 2
    assert "第三十条" in art.citation.label
    assert art.citation.label.startswith(f"《{doc.title}》")
    assert doc.title == "中华人民共和国全国人民代表大会和地方各级人民代表大会选举法"
    assert render_label(art.citation, paragraph=2).endswith("第三十条第二款")
    assert doc.version_label == "2020年修正" and doc.kind == "法律"
    assert [p.article for p in articles(doc)] == list(range(1, 61))


def test_criminal_law_inserted_articles(parse_real) -> None:
    doc = parse_real("法律/刑法/刑法.md")
    inserted = [p for p in articles(doc) if p.article_suffix]
    assert all("之" in p.label for p in inserted)
    first = next(p for p in inserted if p.article == 17)
    assert (first.label, first.article_suffix) == ("第十七条之一", 1)
    assert first.citation.label.endswith("第十七条之一")
    keys = [(p.article, p.article_suffix) for p in articles(doc)]
    assert len(keys) == len(set(keys))


def test_numbered_interpretation(parse_real) -> None:
    doc = parse_real(
        "法律/宪法相关法/全国人民代表大会常务委员会关于县级以下人民代表大会"
        "代表直接选举的若干规定(1983-03-05).md"
    )
    items = [p for p in doc.passages if p.role == "item"]
    assert [p.article for p in items] == list(range(1, len(items) + 1)) and len(items) >= 5
    assert items[1].label == "二、" and "（一）" in items[1].text
    assert doc.passages[0].role == "preamble"


def test_constitution_preamble_is_searchable(parse_real) -> None:
    doc = parse_real("法律/宪法/宪法.md")
    preamble = [p for p in doc.passages if p.role == "preamble"]
    assert len(preamble) >= 10 and all(p.heading_path == ("序言",) for p in preamble)
    assert "FORCE BREAK" not in "".join(p.text for p in doc.passages)
    assert preamble[0].citation.label.endswith("序言")
    assert doc.kind == "宪法" and doc.version_label == "2018年修正"


def test_table_of_contents_in_a_real_file(parse_real) -> None:
    doc = parse_real("地方性法规/北京/北京市节水条例(2022-11-25).md")
    texts = [h.text for h in doc.headings]
    assert len(texts) == len(set(texts)) and doc.headings[0].first_passage == 0
    assert [p.article for p in articles(doc)] == list(range(1, len(articles(doc)) + 1))


def test_civil_code_part(parse_real) -> None:
    doc = parse_real("法律/民法典/总则.md")
    assert (doc.title, doc.subtitle) == ("中华人民共和国民法典", "总则")
    assert doc.effective_date == "2021-01-01" and doc.version_date == "2020-05-28"
    art = next(p for p in doc.passages if p.article == 56)
    assert art.citation.label == "《中华人民共和国民法典》第五十六条"


def test_constitution_amendment_quotes_are_not_articles(parse_real) -> None:
    doc = parse_real("法律/宪法/宪法修正案（2018年）.md")
    assert [p.article for p in articles(doc)] == list(range(32, 53))


def test_reparsing_gives_the_same_ids(corpus_dir: Path) -> None:
    first = parse_file(corpus_dir / ELECTION, corpus_dir)
    second = parse_file(corpus_dir / ELECTION, corpus_dir)
    assert first.id == second.id and first.content_hash == second.content_hash
    assert [p.id for p in first.passages] == [p.id for p in second.passages]
    assert first.source == ELECTION
