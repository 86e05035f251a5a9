"""The staff endpoints in the OpenAPI document (only where staff features are on)."""

from __future__ import annotations

import copy

from web.api_schemas import ref

_ERRORS = {
    "400": "Bad parameters, a missing file, or a cookie session without its CSRF token",
    "401": "No credentials, or a token that is invalid or revoked, or an expired session",
    "403": "The caller's role does not allow this",
    "404": "No such upload or document (or one the caller may not know of)",
    "409": "A duplicate of a document held, or a state that does not allow this",
    "413": "A file over the size, page or archive limits",
    "415": "Content that is no format kb reads (judged from the bytes, not the name)",
    "422": "A file that cannot be read (damaged, encrypted, no text)",
    "500": "Internal error",
}
_OBJECT = {"type": "object"}
_BEARER = [{"bearer": []}, {"session": []}]


def _envelope(**props) -> dict:
    return {
        "type": "object",
        "required": ["ok", *props],
        "properties": {"ok": {"type": "boolean", "const": True}, **props},
    }


SCHEMAS = {
    "Preview": {
        "type": "object",
        "required": ["title", "kind", "counts", "anomalies", "passages", "document_id"],
        "properties": {
            "title": {"type": "string"},
            "kind": {"type": "string"},
            "issuer": {"type": ["string", "null"]},
            "version_date": {"type": ["string", "null"]},
            "effective_date": {"type": ["string", "null"]},
            "version_label": {"type": "string"},
            "revises": {"type": ["object", "null"]},
            "counts": _OBJECT,
            "anomalies": {"type": "array", "items": {"type": "string"}},
            "duplicate_of": {"type": ["object", "null"]},
            "passages": {"type": "array", "items": _OBJECT},
            "document_id": {"type": "string"},
        },
    },
    "Upload": {
        "type": "object",
        "required": ["id", "state", "preview"],
        "properties": {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "state": {"enum": ["reading", "ready", "refused", "publishing", "published"]},
            "error": {"type": ["string", "null"]},
            "preview": {"oneOf": [ref("Preview"), {"type": "null"}]},
            "document": {"type": ["object", "null"]},
        },
    },
    "UploadEnvelope": _envelope(upload=ref("Upload")),
    "UploadListEnvelope": _envelope(uploads={"type": "array", "items": ref("Upload")}),
    "DocumentChangeEnvelope": _envelope(
        document={"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}
    ),
    "ArchiveEnvelope": _envelope(archive={"type": "array", "items": _OBJECT}),
    "AuditEnvelope": _envelope(entries={"type": "array", "items": _OBJECT}),
    "MeEnvelope": _envelope(caller=_OBJECT),
}


def _responses(schema: str, *codes: str) -> dict:
    out = {"200": {"description": "OK", "content": {"application/json": {"schema": ref(schema)}}}}
    if schema != "MeEnvelope":
        out["202"] = {
            "description": "Accepted: the keeper is still at work (see GET /api/uploads/{id})",
            "content": {"application/json": {"schema": ref(schema)}},
        }
    for code in codes:
        out[code] = {
            "description": _ERRORS[code],
            "content": {"application/json": {"schema": ref("ErrorEnvelope")}},
        }
    return out


def _path_id(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def _op(method: str, summary: str, schema: str, *codes: str, params=(), body=None) -> dict:
    op = {
        "summary": summary,
        "security": _BEARER,
        "parameters": list(params),
        "responses": _responses(schema, "401", "403", *codes, "500"),
    }
    if body is not None:
        op["requestBody"] = body
    return {method: op}


_FLAG = {
    "required": False,
    "content": {
        "application/json": {
            "schema": {"type": "object", "properties": {"internal": {"type": "boolean"}}}
        }
    },
}
_FILE = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "replaces": {"type": "string", "description": "Id of the document replaced"},
                },
            }
        }
    },
}
PATHS = {
    "/api/uploads": {
        **_op(
            "post",
            "Upload a file and read its preview (editor)",
            "UploadEnvelope",
            "400",
            "404",
            "413",
            "415",
            "422",
            body=_FILE,
        ),
        **_op("get", "The newest uploads (editor)", "UploadListEnvelope"),
    },
    "/api/uploads/{upload_id}": _op(
        "get",
        "One upload and its preview (editor)",
        "UploadEnvelope",
        "404",
        params=[_path_id("upload_id")],
    ),
    "/api/uploads/{upload_id}/publish": _op(
        "post",
        "Publish a read upload into the collection (editor)",
        "DocumentChangeEnvelope",
        "400",
        "404",
        "409",
        params=[_path_id("upload_id")],
        body=_FLAG,
    ),
    "/api/documents/{doc_id}/internal": _op(
        "post",
        "Mark a document internal or public (editor)",
        "DocumentChangeEnvelope",
        "400",
        "404",
        "409",
        params=[_path_id("doc_id")],
        body=_FLAG,
    ),
    "/api/documents/{doc_id}/withdraw": _op(
        "post",
        "Withdraw a document to the archive (editor)",
        "DocumentChangeEnvelope",
        "400",
        "404",
        params=[_path_id("doc_id")],
    ),
    "/api/documents/{doc_id}/restore": _op(
        "post",
        "Restore a withdrawn document (editor)",
        "DocumentChangeEnvelope",
        "400",
        "404",
        "409",
        params=[_path_id("doc_id")],
    ),
    "/api/archive": _op("get", "Withdrawn and replaced files (editor)", "ArchiveEnvelope"),
    "/api/audit": _op("get", "The audit log, newest first (admin)", "AuditEnvelope", "400"),
    "/api/me": {
        "get": {
            "summary": "Who the server takes the caller to be",
            "responses": _responses("MeEnvelope", "401", "500"),
        }
    },
}
SECURITY = {
    "bearer": {"type": "http", "scheme": "bearer"},
    "session": {"type": "apiKey", "in": "cookie", "name": "kb_session"},
}


_BUILT: dict[int, dict] = {}


def with_staff(base: dict) -> dict:
    """The OpenAPI document `base` (built once, never changed) plus the staff endpoints."""
    if id(base) not in _BUILT:
        doc = copy.deepcopy(base)
        doc["paths"].update(PATHS)
        doc["components"]["schemas"].update(SCHEMAS)
        doc["components"]["securitySchemes"] = SECURITY
        _BUILT[id(base)] = doc
    return _BUILT[id(base)]
