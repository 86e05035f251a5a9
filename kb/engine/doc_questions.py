"""Answers to questions about a document itself: its header as a hit.

The header passage is the document's title, what kb knows of it (issuer, adoption, latest
amendment, entry into force, whether it is in force, bulletin issue) and its history lines as
written. It is not indexed: it is built from the document record when a query asks who issued a
named work, when it was adopted or amended, whether it is in force (kb/query/questions.py), and
put first, with the asked line highlighted in the snippet. Its id is "<doc_id>-header".
"""

from __future__ import annotations

import numpy as np

from kb.engine.citations import doc_order
from kb.engine.hits import document_info
from kb.engine.snapshot import Snapshot
from kb.engine.snippets import make_snippet
from kb.labels import render_label
from kb.models import CURRENT, Citation, Hit
from kb.query.parse import ParsedQuery

HEADER = "header"
MAX_WORKS = 3  # headers shown for a name that fits several works
ADOPTING = ("通过", "批准", "公布", "发布", "印发", "颁布")
AMENDING = ("修正", "修订")
LABELS = {
    "issuer": "制定机关",
    "adopted": "通过日期",
    "amended": "最近修改",
    "effective": "施行日期",
    "status": "效力",
    "issue": "期号",
}


def header_id(doc_id: str) -> str:
    """The id of a document's header passage."""
    return f"{doc_id}-{HEADER}"


def chinese_date(iso: str | None) -> str:
    """2020-10-17 → 2020年10月17日 ("" for none)."""
    if not iso or len(iso) < 10:
        return ""
    year, month, day = iso[:10].split("-")
    return f"{year}年{int(month)}月{int(day)}日"


def facts(rec: dict, current: dict | None = None) -> dict[str, str]:
    """aspect → the line of the header that answers it (only what the record knows)."""
    history = rec.get("history") or ()
    adopted = next((h for h in history if h.get("event") in ADOPTING and h.get("date")), None)
    amended = [h for h in history if h.get("event") in AMENDING and h.get("date")]
    lines = {
        "issuer": rec.get("issuer") or "",
        "adopted": chinese_date(adopted["date"]) if adopted else "",
        "amended": _amendment(amended[-1], len(amended)) if amended else "",
        "effective": chinese_date(rec.get("effective_date")),
        "status": _status(rec, current),
        "issue": rec.get("issue") or "",
    }
    return {aspect: f"{LABELS[aspect]}：{text}" for aspect, text in lines.items() if text}


def _amendment(entry: dict, count: int) -> str:
    return f"{chinese_date(entry['date'])}（{entry['event']}，共{count}次）"


def _status(rec: dict, current: dict | None) -> str:
    """现行有效, or which version replaced this one and since when."""
    if rec.get("status") == CURRENT:
        return "现行有效"
    since = chinese_date(rec.get("valid_to"))
    newer = (current or {}).get("version_label") or chinese_date(
        (current or {}).get("version_date")
    )
    replaced = f"已被{newer}版本取代" if newer else "已被新版本取代"
    return f"{replaced}（自{since}起）" if since else replaced


def header_text(rec: dict, current: dict | None = None) -> str:
    """Title, what kb knows of the document, then its history lines as written."""
    title = rec["title"] + (f"（{rec['subtitle']}）" if rec.get("subtitle") else "")
    history = [h.get("text", "") for h in rec.get("history") or () if h.get("text")]
    return "\n".join([title, *facts(rec, current).values(), *history])


def _current_of(snap: Snapshot, rec: dict) -> dict | None:
    """The current version of a superseded document's work."""
    if rec.get("status") == CURRENT:
        return None
    docs = snap.docs
    rows = [r for r in docs.work_mask({rec["work_key"]}).nonzero()[0] if docs.current[r]]
    return docs.records[int(rows[0])] if rows else None


def header_hit(snap: Snapshot, row: int, aspects: tuple[str, ...] = (), score: float = 1.0) -> Hit:
    """A document's header as a hit, the lines answering `aspects` highlighted."""
    rec = snap.docs.records[row]
    current = _current_of(snap, rec)
    text = header_text(rec, current)
    known = facts(rec, current)
    answers = [known[a] for a in aspects if a in known]
    snippet = make_snippet(text, answers)
    fields = {"title": rec["title"], "version": rec.get("version_label") or "", "article_label": ""}
    label = render_label({**fields, "heading_path": ()})
    citation = Citation(
        **fields, article=None, paragraph=None, item=None, heading_path=(), label=label
    )
    return Hit(
        header_id(rec["id"]),
        round(score, 4),
        text,
        None,
        None,
        (),
        snippet,
        document_info(rec),
        citation,
        f"/documents/{rec['id']}",
        "document",
    )


def document_hits(snap: Snapshot, q: ParsedQuery, params, above: float = 0.0) -> list[Hit]:
    """Header hits for a question about the named works (none for other queries), scored
    above `above` (the best passage's score)."""
    if not q.about_document:
        return []
    rows = [doc_order(snap, frozenset((w,)), params)[:1] for w in sorted(q.works)[:MAX_WORKS]]
    rows = [r[0] for r in rows if r]
    return [
        header_hit(snap, row, q.about_document, above + len(rows) - i) for i, row in enumerate(rows)
    ]


def scope(snap: Snapshot, q: ParsedQuery, doc_mask: np.ndarray) -> np.ndarray:
    """After the header, a question about a document lists that document's passages only."""
    if not q.about_document or not q.works:
        return doc_mask
    return doc_mask & snap.docs.work_mask(set(q.works))


def header_for_id(snap: Snapshot, passage_id: str) -> Hit | None:
    """The header hit an id such as "<doc_id>-header" names, or None."""
    doc_id, _, tail = passage_id.rpartition("-")
    row = snap.docs.row.get(doc_id)
    return header_hit(snap, row) if tail == HEADER and row is not None else None
