"""Aligning two versions of a work on short synthetic texts: inserts, deletions, edits, moves,
headings and parts (placeholder words only)."""

from __future__ import annotations

import random

from kb.compare.compare import compare_texts
from kb.compare.diff import DELETE, EQUAL, INSERT, diff_articles, diff_texts, new_text, old_text
from kb.compare.model import VersionText
from kb.compare.texts import join_parts
from kb.models import Citation, Document, DocumentInfo, Heading, Passage
from kb.numerals import int_to_cn

POOL = (
    "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥金木水火土日月星山川河海风云雷电春夏秋冬东南西北"
)


def body(k: int) -> str:
    """A placeholder article body, unlike the others."""
    return "".join(random.Random(k).sample(POOL, 14)) + "。"


def passages(doc: str, bodies: list[str], first: int = 1) -> tuple[Passage, ...]:
    out = []
    for i, b in enumerate(bodies):
        label = f"第{int_to_cn(first + i)}条"
        cite = Citation("某法", "", first + i, label, None, None, (), f"《某法》{label}")
        out.append(Passage(f"{doc}-{i}", doc, i, f"{label} {b}", first + i, 0, label, (), (), cite))
    return tuple(out)


def version(doc: str, bodies: list[str], headings: tuple[Heading, ...] = ()) -> VersionText:
    info = DocumentInfo(doc, "某法", "法律", None, f"{doc}.md", None, None, "current")
    return VersionText(info, (doc,), passages(doc, bodies), headings)


def check(c) -> None:
    """Every diff rebuilds both texts; every passage is in exactly one pair."""
    for p in c.pairs:
        assert old_text(p.diff) == (p.old.text if p.old else "")
        assert new_text(p.diff) == (p.new.text if p.new else "")
    for side, v in (("old", c.old), ("new", c.new)):
        ids = [getattr(p, side).id for p in c.pairs if getattr(p, side) is not None]
        assert sorted(ids) == sorted(p.id for p in v.passages)


def statuses(c) -> list[str]:
    return [p.status for p in c.pairs]


def test_an_inserted_article_renumbers_the_rest():
    old = [body(k) for k in range(6)]
    new = old[:2] + [body(99)] + old[2:]
    c = compare_texts(version("a", old), version("b", new))
    check(c)
    assert statuses(c) == ["unchanged"] * 2 + ["added"] + ["renumbered"] * 4
    moved = c.pairs[3]
    assert (moved.old.label, moved.new.label) == ("第三条", "第四条")
    assert moved.diff[:2] == ((DELETE, "第三条"), (INSERT, "第四条"))  # the number shown whole
    assert (c.summary.added, c.summary.renumbered, c.summary.unchanged) == (1, 4, 2)


def test_a_deleted_article_stands_where_it_was():
    old = [body(k) for k in range(5)]
    c = compare_texts(version("a", old), version("b", old[:1] + old[2:]))
    check(c)
    assert statuses(c) == ["unchanged", "deleted", "renumbered", "renumbered", "renumbered"]
    assert c.pairs[1].old.label == "第二条" and c.pairs[1].new is None


def test_an_edited_article_gets_a_character_diff():
    old = [body(k) for k in range(4)]
    new = list(old)
    new[2] = old[2][:5] + "人民" + old[2][5:]
    c = compare_texts(version("a", old), version("b", new))
    check(c)
    assert statuses(c) == ["unchanged", "unchanged", "changed", "unchanged"]
    assert [run for run in c.pairs[2].diff if run[0] != EQUAL] == [(INSERT, "人民")]


def test_rewritten_and_renumbered_together():
    old = [body(k) for k in range(5)]
    new = [body(50)] + old[:3] + [old[3][:-1] + "，甲乙。"] + old[4:]
    c = compare_texts(version("a", old), version("b", new))
    check(c)
    pair = next(p for p in c.pairs if p.old and p.old.label == "第四条")
    assert pair.status == "renumbered" and pair.new.label == "第五条"
    assert (INSERT, "，甲乙") in pair.diff


def test_a_moved_article_is_found_out_of_order():
    old = [body(k) for k in range(6)]
    new = [old[5]] + old[:5]
    c = compare_texts(version("a", old), version("b", new))
    check(c)
    moved = [p for p in c.pairs if p.moved]
    assert len(moved) == 1 and moved[0].old.label == "第六条" and moved[0].new.label == "第一条"
    assert c.summary.added == c.summary.deleted == 0


def test_a_replaced_article_between_unchanged_ones_is_a_change():
    old = [body(k) for k in range(3)]
    new = [old[0], old[1][:6] + body(77)[:10] + "。", old[2]]  # half rewritten, same place
    c = compare_texts(version("a", old), version("b", new))
    check(c)
    assert statuses(c) == ["unchanged", "changed", "unchanged"]


def test_headings_renamed_and_deleted():
    old = [body(k) for k in range(6)]
    old_h = (
        Heading(3, "第一章 总则", 0),
        Heading(3, "第二章 甲乙", 2),
        Heading(3, "第三章 丙丁", 4),
        Heading(3, "第四章 壬癸", 5),
    )
    new_h = (
        Heading(3, "第一章 总 则", 0),
        Heading(3, "第二章 甲乙丙", 2),
        Heading(3, "第三章 戊己", 3),
    )
    c = compare_texts(version("a", old, old_h), version("b", old, new_h))
    check(c)
    found = {(h.old.text if h.old else None, h.new.text if h.new else None): h for h in c.headings}
    assert found[("第一章 总则", "第一章 总 则")].status == "unchanged"  # spacing only
    assert found[("第二章 甲乙", "第二章 甲乙丙")].status == "renamed"
    assert found[("第三章 丙丁", "第三章 戊己")].status == "renamed"  # same number, same place
    assert found[("第三章 丙丁", "第三章 戊己")].before == 3
    assert found[("第四章 壬癸", None)].status == "deleted"
    assert c.summary.headings == 3


def test_renumbered_heading_keeps_its_name():
    old = [body(k) for k in range(4)]
    old_h = (Heading(3, "第一章 甲乙", 0), Heading(3, "第二章 丙丁", 2))
    new_h = (
        Heading(3, "第一章 戊己", 0),
        Heading(3, "第二章 甲乙", 1),
        Heading(3, "第三章 丙丁", 2),
    )
    c = compare_texts(version("a", old, old_h), version("b", old, new_h))
    by_new = {h.new.text: h.status for h in c.headings if h.new}
    assert by_new == {
        "第一章 戊己": "added",
        "第二章 甲乙": "renumbered",
        "第三章 丙丁": "renumbered",
    }


def test_parts_are_joined_in_article_order():
    def part(doc, first, bodies, heading):
        ps = passages(doc, bodies, first)
        return Document(
            doc, "某典", heading, "法律", None, None, None, "2020-01-01", None, "", (),
            (Heading(1, heading, 0),), ps, f"{doc}.md", "某典", "",
        )  # fmt: skip

    second, first = part("p2", 4, [body(3), body(4)], "第二编"), part("p1", 1, [body(0)], "第一编")
    joined = join_parts(
        DocumentInfo("p2", "某典", "法律", None, "p2.md", None, None, "current"), [second, first]
    )
    assert joined.parts == ("p1", "p2")
    assert [p.label for p in joined.passages] == ["第一条", "第四条", "第五条"]
    assert [(h.text, h.first_passage) for h in joined.headings] == [("第一编", 0), ("第二编", 1)]


def test_diffs_are_readable_for_chinese():
    old, new = "本条规定甲乙丙丁的事项。", "本条规定戊己庚辛的事项。"
    assert diff_texts(old, new) == (
        (EQUAL, "本条规定"),
        (DELETE, "甲乙丙丁"),
        (INSERT, "戊己庚辛"),
        (EQUAL, "的事项。"),
    )
    assert diff_texts("", "") == () and diff_texts("甲", "甲") == ((EQUAL, "甲"),)
    diff = diff_articles("第四条 甲乙", "第四条", "第五条 甲乙丙", "第五条")
    assert diff == ((DELETE, "第四条"), (INSERT, "第五条"), (EQUAL, " 甲乙"), (INSERT, "丙"))


def test_empty_versions():
    c = compare_texts(version("a", []), version("b", [body(1)]))
    check(c)
    assert statuses(c) == ["added"]
    assert compare_texts(version("a", []), version("b", [])).pairs == ()


def test_huge_unrelated_blocks_are_not_paired(monkeypatch):
    from kb.compare import align

    monkeypatch.setattr(align, "MAX_CELLS", 4)
    old, new = [body(k) for k in range(3)], [body(k + 10) for k in range(3)]
    c = compare_texts(version("a", old), version("b", new))
    check(c)
    assert sorted(statuses(c)) == ["added"] * 3 + ["deleted"] * 3
