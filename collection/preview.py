"""What kb understood of an upload before it is published: parsed in the keeper process (in a
child with a time limit), from the bytes, under the source it will be published as."""

from __future__ import annotations

import hashlib
import multiprocessing
from collections import Counter
from pathlib import Path

from collection.sniff import MAX_PAGES, kind_of
from corpus.anomalies import find_anomalies
from corpus.loaders import LOADERS
from corpus.parsers import parse_document
from kb.errors import KBError, TooLarge, UnreadableDocument
from kb.models import Document

FIRST_PASSAGES = 5
PARSE_SECONDS = 120  # a file that takes longer is refused (a pathological PDF)


def parse_upload(data: bytes, source: str) -> Document:
    """The document these bytes hold under `source` (its suffix must be the sniffed kind);
    UnreadableDocument or a KBError with a reader's reason otherwise."""
    suffix = source[source.rfind(".") :]
    loaded = LOADERS[suffix](data, source)
    pages = loaded.extra.get("pages", 0) if getattr(loaded, "extra", None) else 0
    if pages > MAX_PAGES:
        raise TooLarge(f"a PDF of {pages} pages (at most {MAX_PAGES})")
    if not loaded.lines:
        raise UnreadableDocument(source, "no text found")
    return parse_document(loaded, hashlib.sha256(data).hexdigest())


def describe(doc: Document, held: list[dict], files: dict[str, str]) -> dict:
    """The preview of a parsed document against the records of the documents held (`held`)
    and the sha256 of every indexed file (`files`, source → sha256)."""
    roles = Counter(p.role for p in doc.passages)
    same = [r for r in held if r["work_key"] == doc.work_key and r["id"] != doc.id]
    older = [r for r in same if (r.get("version_date") or "") < (doc.version_date or "")]
    newer = [r for r in same if (r.get("version_date") or "") > (doc.version_date or "")]
    twin = next(
        (r for r in same if r.get("version_date") == doc.version_date and _same_part(r, doc)),
        None,
    )
    exact = next((s for s, h in files.items() if h == doc.content_hash), None)
    duplicate = None
    if exact is not None:
        duplicate = {"source": exact, "reason": "the same file is held already"}
    elif twin is not None:
        duplicate = _brief(twin) | {"reason": "this version of the work is held already"}
    revises = max(older, key=lambda r: r.get("version_date") or "", default=None)
    return {
        "title": doc.title,
        "subtitle": doc.subtitle,
        "kind": doc.kind,
        "issuer": doc.issuer,
        "region": doc.region,
        "version_date": doc.version_date,
        "effective_date": doc.effective_date,
        "version_label": doc.version_label,
        "issue": doc.issue,
        "revises": _brief(revises) if revises else None,
        "superseded_by": _brief(min(newer, key=lambda r: r.get("version_date") or ""))
        if newer
        else None,
        "status": "superseded" if newer else "current",
        "counts": {
            "passages": len(doc.passages),
            "articles": roles.get("article", 0),
            "paragraphs": roles.get("paragraph", 0),
            "items": roles.get("item", 0),
        },
        "anomalies": [a.detail for a in find_anomalies(doc)],
        "duplicate_of": duplicate,
        "passages": [
            {"label": p.citation.label, "text": p.text[:300]} for p in doc.passages[:FIRST_PASSAGES]
        ],
        "document_id": doc.id,
        "source": doc.source,
    }


def _same_part(record: dict, doc: Document) -> bool:
    return (record.get("subtitle") or None) == (doc.subtitle or None)


def _brief(record: dict) -> dict:
    return {
        "id": record["id"],
        "title": record["title"],
        "version_date": record.get("version_date"),
        "version_label": record.get("version_label") or "",
    }


def _child(conn, data: bytes, source: str) -> None:
    """In a child process: parse, send back (document, None) or (None, (status, message))."""
    try:
        conn.send((parse_upload(data, source), None))
    except UnreadableDocument as exc:
        conn.send((None, (422, f"cannot read the file: {exc.reason}")))
    except KBError as exc:
        conn.send((None, (exc.status, str(exc))))
    except Exception as exc:  # noqa: BLE001 - a parser bug is a refusal, never a crash
        conn.send((None, (422, f"cannot parse the file: {type(exc).__name__}: {exc}")))


def parse_in_child(data: bytes, source: str, seconds: float = PARSE_SECONDS) -> Document:
    """parse_upload in a child process killed after `seconds` (the keeper never hangs)."""
    ctx = multiprocessing.get_context("fork")
    mine, theirs = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(theirs, data, source), daemon=True)
    proc.start()
    theirs.close()
    try:
        if not mine.poll(seconds):
            raise TooLarge(f"reading the file took over {seconds:.0f} s: it is refused")
        doc, error = mine.recv()
    except EOFError as exc:
        raise UnreadableDocument(source, "the parser stopped (out of memory?)") from exc
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        mine.close()
    if error is not None:
        err = KBError(error[1])
        err.status = error[0]
        raise err
    return doc


def sniffed_suffix(path: Path) -> str:
    """The loader suffix of the staged file at `path` (from its content)."""
    return kind_of(path.read_bytes())
