"""Document-level references: 《…》 without a position, names after 依照 / 根据 / 实施 (根据宪法,
依照代表法和本办法的规定), and document numbers (文号) such as 中办发〔2020〕41号."""

from __future__ import annotations

import re
from collections.abc import Mapping

from kb.numerals import NUM_CLASS
from kb.references import names as nm
from kb.references.model import DOCUMENT, NAMED, NUMBER, Reference

_DOC_CUE = re.compile(r"(?:依照|依据|按照|根据|遵照|遵守|违反|适用|参照|比照|贯彻|实施|执行|落实)")
_LIST_WORD = re.compile(r"(?:、|和|及|以及|与|或者)")
_AFTER_NAME = ("的", "等", "和", "及", "与", "或", "中", "第", "之", "规定", "有关", "相关", "要求")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff〇]{2,40}")
_NUMBER_LEAD = re.compile(r"对标|根据|依照|依据|按照|落实|贯彻|执行|参照|印发|转发|和|及|与")
_VERSION_AFTER = re.compile(
    r"[（(](\d{4}年[^（）()]{0,6}(?:修正|修订|版|文本|通过|批准|发布|公布))[）)]"
)
DOCUMENT_NUMBER = re.compile(
    rf"[\u4e00-\u9fff]{{1,8}}[〔﹝［\[（(【]\s*\d{{4}}\s*[〕﹞］\])）】]\s*(?:第\s*)?(?:{NUM_CLASS})\s*号"
)


def document_references(
    text: str, titles, used: set[int], abbr: Mapping[str, str], refs: list[Reference]
) -> list[Reference]:
    """The document-level references of `text` (titles already used by a chain left out)."""
    found = _titles(text, titles, used, abbr)
    found += _named_documents(text, abbr, refs, titles)
    return found + _numbers(text, titles)


def _titles(text: str, titles, used: set[int], abbr: Mapping[str, str]) -> list[Reference]:
    """《…》 not followed by a position: a document-level reference."""
    found = []
    for start, end in titles:
        if start in used:
            continue
        work = text[start + 1 : end - 1]
        m = _VERSION_AFTER.match(text, end)
        version = m.group(1) if m else ""
        name = abbr.get(work, work)
        found.append(
            Reference(start, end, text[start:end], work, name, NAMED, DOCUMENT, (), "", version)
        )
    return found


def _named_documents(text: str, abbr, refs: list[Reference], titles) -> list[Reference]:
    """Names written without 《》 after 依照 / 根据 / 实施 …: 根据宪法, 依照代表法和本办法的规定."""
    taken = [(r.start, r.end) for r in refs] + titles
    found = []
    for cue in _DOC_CUE.finditer(text):
        pos = cue.end()
        while pos < len(text) and not _DOC_CUE.match(text, pos):
            name = _name_at(text, pos, abbr)
            if not name:
                break
            end = pos + len(name)
            if not nm.self_word(name) and not any(s < end and pos < e for s, e in taken):
                found.append(Reference(pos, end, name, name, abbr.get(name, name), NAMED, DOCUMENT))
                taken.append((pos, end))
            sep = _LIST_WORD.match(text, end)
            if not sep:
                break
            pos = sep.end()
    return found


def _name_at(text: str, pos: int, abbr: Mapping[str, str]) -> str:
    """The shortest law-like name starting at `pos` and followed by a boundary, or ""."""
    m = _CJK_RUN.match(text, pos)
    if not m:
        return ""
    run = m.group(0)
    for size in range(2, len(run) + 1):
        if run[size - 1] not in "法典例" and run[:size] not in abbr:
            continue
        word, rest = run[:size], run[size:]
        if rest and not rest.startswith(_AFTER_NAME):
            continue
        if nm.self_word(word) == word or nm.bare_law_like(word) or word in abbr:
            return word
    return ""


def _numbers(text: str, titles) -> list[Reference]:
    """Document numbers (文号) such as 中办发〔2020〕41号, outside titles."""
    found = []
    if "号" not in text:
        return found
    for m in DOCUMENT_NUMBER.finditer(text):
        if not nm.inside(m.start(), titles):
            word = m.group(0)
            cut = max((c.end() for c in _NUMBER_LEAD.finditer(word)), default=0)
            start, word = m.start() + cut, word[cut:]
            found.append(Reference(start, m.end(), word, word, word, NUMBER, DOCUMENT))
    return found
