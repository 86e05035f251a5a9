"""The staff API: uploads and their previews, publishing, internal marks, withdrawal and
restoration, the archive and the audit log. Each request only stores bytes or adds a job and
waits for the keeper's answer (collection.keeper): it never parses a file or writes an index."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from collection import audit, files, jobs, uploads
from corpus.loaders import MAX_FILE_BYTES
from kb.config import MAX_ID_CHARS
from kb.errors import BadQuery, KBError, NotFound
from kb.shapes.keep import (
    ArchiveEnvelope,
    AuditEnvelope,
    AuditQuery,
    DocumentChangeEnvelope,
    InternalBody,
    MeEnvelope,
    UploadEnvelope,
    UploadForm,
    UploadId,
    UploadListEnvelope,
    WaitQuery,
)
from kb.shapes.params import DocumentId
from web.auth import changes, client_address, current_caller, places, require
from web.context import get_library
from web.openapi import operation
from web.waiting import wait_for

STAFF = (401, 403)
bp = Blueprint("keep_api", __name__, url_prefix="/api")

# A document changed by the keeper: done (200), or still being indexed after `wait` (202).
CHANGE_ANSWERS = {"query": WaitQuery, "errors": (400, *STAFF, 404, 409), "answers": (200, 202)}
WAIT_SECONDS = 60.0  # how long a request waits for the keeper before answering 202


def upload_body(view):
    """The body limit of an upload: one file of the loaders' size limit and its form."""
    view.max_body = MAX_FILE_BYTES + 64 * 1024
    return view


@bp.post("/uploads")
@upload_body
@operation(
    UploadEnvelope,
    form=UploadForm,
    query=WaitQuery,
    errors=(400, *STAFF, 404, 415, 422),
    answers=(200, 202),
)
@changes("editor")
def upload() -> tuple[Response, int]:
    """Stage one file (multipart field `file`, optional `replaces`: a document id) and answer
    with what kb understood of it (its preview), once the keeper has read it."""
    caller = current_caller()
    sent = request.files.get("file")
    if sent is None:
        raise BadQuery("send the document as multipart/form-data field `file`")
    replaces = (request.form.get("replaces") or "").strip() or None
    if replaces is not None:
        get_library().version(_checked(replaces))  # NotFound for an unknown document
    upload_id, job = uploads.receive(
        places(), sent.stream, sent.filename, caller.name, replaces, client_address()
    )
    row = wait_for(job, _wait())
    shown = uploads.get(places(), upload_id)
    if row is None:
        return jsonify({"ok": True, "upload": shown}), 202
    jobs.raise_failure(row)
    return jsonify({"ok": True, "upload": shown}), 200


@bp.get("/uploads")
@operation(UploadListEnvelope, errors=STAFF)
def upload_list() -> Response:
    """The newest uploads (editors)."""
    require("editor")
    return jsonify({"ok": True, "uploads": uploads.recent(places())})


@bp.get("/uploads/<id>")
@operation(UploadEnvelope, path=UploadId, errors=(*STAFF, 404))
def upload_state(id: str) -> Response:  # noqa: A002 - the path variable's published name
    """One upload: its state (reading, ready, refused, publishing, published) and preview."""
    require("editor")
    return jsonify({"ok": True, "upload": uploads.get(places(), _checked(id))})


@bp.post("/uploads/<id>/publish")
@operation(
    DocumentChangeEnvelope,
    path=UploadId,
    query=WaitQuery,
    body=InternalBody,
    errors=(400, *STAFF, 404, 409, 422),
    answers=(200, 202),
)
@changes("editor")
def publish(id: str) -> tuple[Response, int]:
    """Put a read upload into the collection (optionally internal from the start) and update
    the index; answers once it is searchable, or 202 while it is still being indexed."""
    upload_id = _checked(id)
    shown = uploads.get(places(), upload_id)
    if shown["state"] == "refused":
        raise KBError(f"upload {upload_id} was refused: {shown['error']}")
    internal = _flag("internal", default=False)
    job = jobs.add(
        places().database,
        "publish",
        upload_id,
        current_caller().name,
        client_address(),
        internal=internal,
    )
    row = wait_for(job, _wait())
    if row is None:
        preview = shown["preview"] or {}
        document = {"id": preview.get("document_id"), "title": preview.get("title")}
        return jsonify({"ok": True, "document": document | {"state": "publishing"}}), 202
    document = jobs.raise_failure(row)
    return jsonify({"ok": True, "document": document | {"state": "published"}}), 200


@bp.post("/documents/<id>/internal")
@operation(DocumentChangeEnvelope, path=DocumentId, body=InternalBody, **CHANGE_ANSWERS)
@changes("editor")
def mark_internal(id: str) -> Response:
    """Mark a document internal (`{"internal": true}`) or public again (`false`)."""
    internal = _flag("internal")
    return _change("internal", id, internal=internal)


@bp.post("/documents/<id>/withdraw")
@operation(DocumentChangeEnvelope, path=DocumentId, **CHANGE_ANSWERS)
@changes("editor")
def withdraw(id: str) -> Response:
    """Take a document out of search; its file goes to the archive (restorable)."""
    return _change("withdraw", id)


@bp.post("/documents/<id>/restore")
@operation(DocumentChangeEnvelope, path=DocumentId, **CHANGE_ANSWERS)
@changes("editor")
def restore(id: str) -> Response:
    """Bring a withdrawn document back from the archive."""
    doc_id = _checked(id)
    if not any(o["id"] == doc_id and o["reason"] == "withdrawn" for o in files.archived(places())):
        raise NotFound(f"no withdrawn document with id {doc_id!r}")
    return _change("restore", doc_id)


@bp.get("/archive")
@operation(ArchiveEnvelope, errors=STAFF)
def archive() -> Response:
    """Withdrawn and replaced files, newest first (editors)."""
    require("editor")
    return jsonify({"ok": True, "archive": [_entry(o) for o in files.archived(places())]})


@bp.get("/audit")
@operation(AuditEnvelope, query=AuditQuery, errors=(400, *STAFF))
def audit_log() -> Response:
    """The audit log, newest first (admins): who did what, when, from which address."""
    require("admin")
    limit = _int("limit", 200, 1, 1000)
    before = _int("before", None, 1, 2**62)
    return jsonify({"ok": True, "entries": audit.entries(places().database, limit, before)})


@bp.get("/me")
@operation(MeEnvelope, errors=(401,))
def me() -> Response:
    """Who the server takes the caller to be."""
    caller = current_caller()
    return jsonify(
        {"ok": True, "caller": {"name": caller.name, "role": caller.role, "via": caller.via}}
    )


def _change(kind: str, doc_id: str, **options) -> Response:
    doc_id = _checked(doc_id)
    if kind != "restore":
        get_library().version(doc_id)  # NotFound for an unknown document
    job = jobs.add(
        places().database, kind, doc_id, current_caller().name, client_address(), **options
    )
    row = wait_for(job, _wait())
    if row is None:
        return jsonify({"ok": True, "document": {"id": doc_id, "state": "pending"}}), 202
    result = jobs.raise_failure(row)
    result.pop("detail", None)
    return jsonify({"ok": True, "document": result})


def _entry(origin: dict) -> dict:
    keys = ("id", "title", "source", "reason", "by", "archived")
    return {k: origin.get(k) for k in keys}


def _checked(value: str) -> str:
    if len(value) > MAX_ID_CHARS or not value.isprintable():
        raise NotFound(f"no such id: {value[:40]!r}")
    return value


def _body() -> dict:
    if request.is_json:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise BadQuery("the body must be a JSON object")
        return body
    return request.form.to_dict()


def _flag(name: str, default: bool | None = None) -> bool:
    value = _body().get(name, default)
    if isinstance(value, str):
        value = {"true": True, "1": True, "on": True, "false": False, "0": False}.get(value)
    if not isinstance(value, bool):
        raise BadQuery(f"`{name}` must be true or false")
    return value


def _wait() -> float:
    raw = request.args.get("wait")
    if raw is None:
        return WAIT_SECONDS
    try:
        return max(0.0, min(WAIT_SECONDS * 5, float(raw)))
    except ValueError as exc:
        raise BadQuery("wait is a number of seconds") from exc


def _int(name: str, default: int | None, low: int, high: int) -> int | None:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise BadQuery(f"{name} must be a whole number") from exc
    if not low <= value <= high:
        raise BadQuery(f"{name} must be between {low} and {high}")
    return value
