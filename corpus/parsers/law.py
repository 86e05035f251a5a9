"""Laws, regulations, interpretations, local measures: LoadedText → Document."""

from __future__ import annotations

from corpus.parsers import history as hist
from corpus.parsers.header import split_header
from corpus.parsers.metadata import infer_city, infer_kind, infer_region, issuing_organs
from corpus.parsers.passages import build_passages, document_id, file_date, folders
from corpus.parsers.patterns import squash
from corpus.parsers.structure import parse_body
from corpus.text import Line, LoadedText
from kb.models import Document, Heading

LOCAL_KINDS = ("地方性法规", "工作简报")


def work_key(title: str) -> str:
    """The title without whitespace and 、, full/half width folded: versions of a work share it."""
    return squash(title).replace("、", "")


def is_amending(title: str) -> bool:
    """修正案 and 关于修改…的决定 quote the articles they insert."""
    return "修正案" in title or ("修改" in title and "决定" in title)


def _issuer_from_folder(parts: tuple[str, ...]) -> str | None:
    return parts[1] if len(parts) > 1 and parts[0] == "部门规章" else None


def parse_law(loaded: LoadedText, content_hash: str = "") -> Document:
    """Parse a statute-like text (第X条 articles, 一、 items or prose) into a Document."""
    header = split_header(loaded)
    history, other = hist.parse_history(header.history)
    title = header.title
    body = parse_body([Line(text) for text in other] + header.body, is_amending(title))
    parts = folders(loaded.source)
    version = hist.version_date(history) or file_date(loaded.source)
    texts = ["\n".join(block.lines) for block in body.blocks]
    candidates = hist.effective_dates(history) + hist.body_effective_dates(texts)
    effective = hist.effective_date(candidates, version)
    organs = issuing_organs(history, title)
    issuer = organs[0] if organs else _issuer_from_folder(parts)
    kind = infer_kind(title, organs, parts[0] if parts else None)
    local = kind in LOCAL_KINDS
    doc_id = document_id(loaded.source)
    label = hist.version_label(history)
    return Document(
        id=doc_id,
        title=title,
        subtitle=header.subtitle,
        kind=kind,
        issuer=issuer,
        region=infer_region(title, issuer, parts) if local else None,
        city=infer_city(title, issuer) if local else None,
        version_date=version or effective,
        effective_date=effective,
        version_label=label,
        history=history,
        headings=tuple(Heading(level, text, first) for level, text, first in body.headings),
        passages=build_passages(doc_id, body.blocks, title, label),
        source=loaded.source,
        work_key=work_key(title),
        content_hash=content_hash,
    )
