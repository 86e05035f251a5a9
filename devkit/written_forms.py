"""The ways people write a citation or ask about a document, generated from the document itself.

Used by bench/citation_forms.py (every work of an index) and the tests (a sample) to check that
each written form finds its article at rank 1. The forms are plain string edits of the title as
written, independent of how kb/query understands them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.analysis import segment
from kb.models import Passage
from kb.numerals import int_to_cn
from kb.query.aliases import aliases_for_title
from kb.query.lexicon import stopwords

PREFIX = "中华人民共和国"
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_PLACE = re.compile(r"^(.{2,3}?)(省|市)")
_IMPLEMENTING = re.compile(r"^(.*?)实施《([^》]+)》(办法|细则)$")
_ABBREVIATIONS = (
    ("人民代表大会常务委员会", "人大常委会"),
    ("人民代表大会", "人大"),
    ("常务委员会", "常委会"),
)


@dataclass(frozen=True)
class Target:
    """An article written in a query: (article, suffix) positions in order, 款 and 项."""

    positions: tuple[tuple[int, int], ...]
    paragraph: int | None = None
    item: int | None = None


def name_forms(title: str, place: str = "", short: tuple[str, ...] = ()) -> dict[str, str]:
    """form → the title written that way (forms that do not apply are left out)."""
    forms = {"title": title, "书名号": f"《{title}》"}
    if title.startswith(PREFIX):
        forms["no 中华人民共和国"] = title[len(PREFIX) :]
    if f"《{PREFIX}" in title:
        forms["quoted title shortened"] = title.replace(f"《{PREFIX}", "《")
    if "《" in title:
        forms["without 《》"] = re.sub("[《》]", "", title)
    for long, abbreviated in _ABBREVIATIONS:
        if long in title:
            forms[abbreviated] = title.replace(long, abbreviated)
    m = _PLACE.match(title)
    if place and m and m.group(1) == place:
        forms["place shortened"] = place + title[m.end() :]
    implementing = _IMPLEMENTING.match(title)
    inner = aliases_for_title(implementing.group(2)) if implementing else []
    if inner:  # 浙江省实施《…代表法》办法 → 浙江省代表法实施办法
        forms["X法实施办法"] = f"{implementing.group(1)}{inner[0]}实施{implementing.group(3)}"
    at = title.find("关于")
    if at >= 0:
        forms["no 关于"] = title[:at] + title[at + 2 :]
        if at > 0:
            forms["no issuer"] = title[at:]
    shortest = re.sub("[《》]", "", title.replace(PREFIX, ""))
    for long, abbreviated in _ABBREVIATIONS:
        shortest = shortest.replace(long, abbreviated)
    if place and m and m.group(1) == place:
        shortest = place + shortest[m.end() :]
    forms["every abbreviation"] = shortest
    for i, name in enumerate(short):
        forms["short name" if i == 0 else f"short name {i + 1}"] = name
    if short:
        forms["《short name》"] = f"《{short[0]}》"
    return {form: name for form, name in forms.items() if form == "title" or name != title}


def simple_name(title: str, short: tuple[str, ...] = ()) -> str:
    """The name article forms are written with: a short name, else the title."""
    if short:
        return short[0]
    return title[len(PREFIX) :] if title.startswith(PREFIX) else title


def article_forms(name: str, chosen: list[Passage], units: list[Passage]) -> list[tuple]:
    """(form, query, Target) for the articles `chosen` (and 款, 项, 之一, ranges, lists drawn
    from `units`, the document's numbered passages in order)."""
    out = []
    for p in chosen:
        n, cn = p.article, int_to_cn(p.article)
        out.append(
            ("第X条", f"{name}{_cite(n, p.article_suffix)}", Target(((n, p.article_suffix),)))
        )
        if p.article_suffix or p.role != "article":
            continue
        one = Target(((n, 0),))
        out += [
            ("第30条", f"{name}第{n}条", one),
            ("第３０条", f"{name}第{str(n).translate(_FULLWIDTH)}条", one),
            ("X条 (no 第)", f"{name}{cn}条", one),
            ("name 第30条 (space)", f"{name} 第{n}条", one),
            ("name的第X条", f"{name}的第{cn}条", one),
        ]
        word = _content_word(p)
        if word:
            out.append(("第X条 + words", f"{name}第{cn}条 {word}", one))
    articles = [p for p in units if p.role == "article"]
    return out + _parts(name, articles) + _runs(name, articles)


def _cite(article: int, suffix: int = 0) -> str:
    """第三十条, 第三十条之一."""
    return f"第{int_to_cn(article)}条" + (f"之{int_to_cn(suffix)}" if suffix else "")


def _parts(name: str, articles: list[Passage]) -> list[tuple]:
    """款, 项 and 之一 forms, on the first article that has them."""
    out = []
    multi = next((p for p in articles if len(p.paragraphs) >= 2 and not p.article_suffix), None)
    if multi:
        target = Target(((multi.article, 0),), paragraph=2)
        out.append(("第X条第Y款", f"{name}{_cite(multi.article)}第二款", target))
        out.append(("第30条第2款", f"{name}第{multi.article}条第2款", target))
    listed = next((p for p in articles if not p.article_suffix and _items(p)), None)
    if listed:
        para, item = _items(listed)
        written = _cite(listed.article)
        if len(listed.paragraphs) > 1:
            written += f"第{int_to_cn(para)}款"
        else:
            para = None
        target = Target(((listed.article, 0),), para, item)
        out.append(("第X条第Y款第（Z）项", f"{name}{written}第（{int_to_cn(item)}）项", target))
    inserted = next((p for p in articles if p.article_suffix), None)
    if inserted:
        target = Target(((inserted.article, inserted.article_suffix),))
        out.append(
            ("第X条之一", f"{name}{_cite(inserted.article, inserted.article_suffix)}", target)
        )
    return out


def _items(p: Passage) -> tuple[int, int] | None:
    """(款, 项) of the second item of the first paragraph listing two or more."""
    para = next((x for x in p.paragraphs if len(x.items) >= 2), None)
    return (para.number, para.items[1].number) if para else None


def _runs(name: str, articles: list[Passage]) -> list[tuple]:
    """Ranges and lists of articles."""
    plain = [p.article for p in articles if not p.article_suffix]
    out = []
    for i in range(len(plain) - 2):
        a = plain[i]
        if plain[i + 1 : i + 3] == [a + 1, a + 2]:
            target = Target(((a, 0), (a + 1, 0), (a + 2, 0)))
            out.append(("第X条至第Z条", f"{name}{_cite(a)}至{_cite(a + 2)}", target))
            out.append(("第30-32条", f"{name}第{a}-{a + 2}条", target))
            break
    if len(plain) >= 3:
        a, b = plain[0], plain[len(plain) // 2]
        target = Target(((a, 0), (b, 0)))
        out.append(("第X条、第Y条", f"{name}{_cite(a)}、{_cite(b)}", target))
        out.append(("第X、Y条", f"{name}第{int_to_cn(a)}、{int_to_cn(b)}条", target))
    return out


def _content_word(p: Passage) -> str:
    """A word of the article's text to write after its citation (代表法第51条 代表建议)."""
    stop = stopwords()
    body = p.text[len(p.label) :] if p.text.startswith(p.label) else p.text
    for tok, *_ in segment(body[:80], "query"):
        if len(tok) >= 2 and tok not in stop and not tok[0].isdigit():
            return tok
    return ""


QUESTIONS = {
    "issuer": ("{}是哪个机关制定的", "{}由谁发布", "{}的制定机关是什么"),
    "adopted": ("{}是什么时候通过的", "{}何时通过", "{}是哪一年颁布的"),
    "amended": ("{}最近一次修改是什么时候", "{}最新修订时间", "{}什么时候修改的"),
    "effective": ("{}什么时候施行", "{}何时起施行", "{}的施行日期"),
    "status": ("{}还有效吗", "{}是否现行有效", "{}现在还有效吗"),
    "issue": ("{}是哪一期", "{}第几期"),
}


def question_forms(name: str, answers: dict[str, str], turn: int = 0) -> list[tuple]:
    """(aspect, question, answer) for each aspect whose answer is known, one template each."""
    return [
        (aspect, QUESTIONS[aspect][turn % len(QUESTIONS[aspect])].format(name), answer)
        for aspect, answer in answers.items()
        if answer and aspect in QUESTIONS
    ]
