"""History lines (通过 / 修正 / 修订 / 公布 / 施行 …) → entries, version date and label."""

from __future__ import annotations

import re

from corpus.parsers.patterns import DATE, DOC_NUMBER, iso_date
from kb.models import HistoryEntry

# Checked in this order: the first event word present names the event.
EVENTS = (
    "修订",
    "修正",
    "通过",
    "批准",
    "公布",
    "发布",
    "颁布",
    "印发",
    "施行",
    "执行",
    "生效",
    "实施",
    "废止",
)
IN_FORCE_EVENTS = ("施行", "执行", "生效", "实施")
VERSION_EVENTS = ("修订", "修正", "通过", "批准")
PUBLISH_EVENTS = ("公布", "发布", "颁布", "印发")
_DATE_TEXT = r"[0-9０-９]{4}\s*年\s*[0-9０-９]{1,2}\s*月\s*[0-9０-９]{1,2}\s*日"
_STARTS_DATED = re.compile(rf"^[（(]?\s*{_DATE_TEXT}")
_PARTIAL_DATE = re.compile(r"^[（(]?\s*[0-9０-９]{4}\s*年[0-9０-９\s月]*$")  # 2014年9月26 | 日…
_UNDATED = re.compile(r"^[（(]?(?:自)?(?:公布|发布|颁布|印发)之日(?:起)?(?:施行|执行)[）)]?$")
_ENDS_OPEN = re.compile(r"(?:通过|批准|修正|修订|公布|发布|颁布|印发|施行|执行|废止|[）)》号])$")
_UNDATED_EVENT = re.compile(
    r"(?:会议|委员会|国务院|[部局署])(?:审议)?(?:通过|批准|修正|修订|公布|发布)$"
)
_SPLIT = re.compile(r"(?<=通过|批准|修正|修订|公布|发布|施行)[，,]?(?:根据)?(?=[0-9０-９]{4}\s*年)")
_BODY_END = re.compile(
    r"《|〈|<|通过|批准|修订|修正|公布|发布|颁布|印发|施行|执行|审议|根据|[，,。]"
)
_WRAP = "（）()"
_FROM_DATE = re.compile(rf"自\s*({_DATE_TEXT})\s*起")
_BODY_EFFECTIVE = re.compile(
    r"本(?:法|条例|规定|办法|细则|决定|解释|规则|修正案|标准|意见|通知|批复|安排)"
    r"[^。]{0,12}?自\s*([0-9０-９]{4}\s*年\s*[0-9０-９]{1,2}\s*月\s*[0-9０-９]{1,2}\s*日)\s*起(?:施行|执行|实施)"
)


def starts_entry(text: str) -> bool:
    """True when `text` opens a history entry: a dated line (even if the date wraps), a 文号,
    or 公布之日施行-style undated 施行."""
    return bool(
        _STARTS_DATED.match(text)
        or _UNDATED.match(text)
        or _PARTIAL_DATE.match(text)
        or DOC_NUMBER.match(text)
    )


def is_undated_event(text: str) -> bool:
    """浙江省第七届人民代表大会常务委员会第二十六次会议批准: an event line without its date."""
    return len(text) <= 100 and "。" not in text and bool(_UNDATED_EVENT.search(text))


def is_open(text: str) -> bool:
    """True when a history line stops mid-phrase, so the next line continues it."""
    return not _ENDS_OPEN.search(text.strip().rstrip("。；;，,"))


def _continues_entry(entries: list[str], text: str) -> bool:
    """Is `text` the wrapped tail of the last entry (国务院 / 中央军委发布)?"""
    if not entries or DOC_NUMBER.match(entries[-1]):
        return False
    if is_open(entries[-1]):
        return True
    return len(text) <= 30 and "。" not in text and not text.endswith(("：", ":"))


def join_entries(lines: list[str]) -> tuple[list[str], list[str]]:
    """Group history lines with their wrapped tails; return (entries, non-history lines)."""
    entries: list[str] = []
    other: list[str] = []
    for text in lines:
        if starts_entry(text):
            entries.extend(part for part in _SPLIT.split(text) if part)
        elif entries and not is_open(entries[-1]) and is_undated_event(text):
            entries.append(text)
        elif _continues_entry(entries, text):
            entries[-1] += text
        else:
            other.append(text)
    return entries, other


def parse_entry(text: str) -> HistoryEntry:
    """One history line → HistoryEntry(date, body, event, text)."""
    if DOC_NUMBER.match(text):
        return HistoryEntry(date=None, body="", event="文号", text=text)
    inner = text.strip().strip(_WRAP).strip()
    dates = [d for d in (iso_date(m.group(0)) for m in DATE.finditer(inner)) if d]
    date = max(dates) if dates else None  # …会议、2023年3月2日…会议通过: adopted once both had
    event = next((word for word in EVENTS if word in inner), "")
    if _UNDATED.match(inner):
        event = "施行"  # 公布之日施行
    m = DATE.search(inner)
    rest = inner[m.end() :] if m else inner
    rest = rest.lstrip(" ，,")
    cut = _BODY_END.search(rest)
    body = (rest[: cut.start()] if cut else rest).rstrip("的 ")
    return HistoryEntry(date=date, body=body.strip(), event=event, text=text)


def parse_history(lines: list[str]) -> tuple[tuple[HistoryEntry, ...], list[str]]:
    """History lines → entries in order, plus the lines that turned out not to be history."""
    entries, other = join_entries(lines)
    return tuple(parse_entry(e) for e in entries), other


def version_date(history: tuple[HistoryEntry, ...]) -> str | None:
    """The latest adoption / amendment / promulgation date."""
    dates = [h.date for h in history if h.date and h.event in VERSION_EVENTS + PUBLISH_EVENTS]
    return max(dates) if dates else None


def version_label(history: tuple[HistoryEntry, ...]) -> str:
    """e.g. "2020年修正": the year and event of the latest adoption or amendment."""
    for events in (VERSION_EVENTS, PUBLISH_EVENTS):
        dated = [h for h in history if h.date and h.event in events]
        if dated:
            latest = max(dated, key=lambda h: (h.date, -events.index(h.event)))
            return f"{latest.date[:4]}年{latest.event}"
    return ""


def effective_dates(history: tuple[HistoryEntry, ...]) -> list[str]:
    """施行 dates stated in the history (公布之日施行 takes the promulgation date)."""
    found: list[str] = []
    published: str | None = None
    for h in history:
        if h.event in PUBLISH_EVENTS and h.date:
            published = h.date
        stated = _FROM_DATE.search(h.text)
        if stated:
            found.append(iso_date(stated.group(1)) or "")
        elif "施行" in h.text or h.event in IN_FORCE_EVENTS:
            date = h.date or published
            if date:
                found.append(date)
    return [date for date in found if date]


def body_effective_dates(texts: list[str]) -> list[str]:
    """Dates from 本法自2021年1月1日起施行-style sentences in the body."""
    found = []
    for text in texts:
        for m in _BODY_EFFECTIVE.finditer(text):
            date = iso_date(m.group(1))
            if date:
                found.append(date)
    return found


def effective_date(candidates: list[str], version: str | None) -> str | None:
    """The latest stated 施行 date that is not older than the version itself."""
    usable = [d for d in candidates if version is None or d >= version]
    return max(usable) if usable else None
