"""The OpenAPI 3.1 document served at /api/openapi.json (a test keeps it true)."""

from __future__ import annotations

import functools
from typing import Any

from kb.models import KINDS
from kb.search import MAX_LIMIT, MAX_OFFSET
from kb.semantic.fusion import MODES
from web import openapi_assist
from web.api_schemas import components, ref
from web.compare_schemas import compare_components
from web.form import MAX_QUERY_CHARS

ERRORS = {
    "400": "Bad parameter (missing or too long q, limit/offset out of range, unknown kind …)",
    "404": "No such passage, document or citation",
    "405": "Method not allowed",
    "413": "Request body too large",
    "414": "Query string too long",
    "431": "Request headers too large (refused by the server itself, same envelope)",
    "500": "Internal error",
    "503": "No index has been built yet",
}


def _param(
    name: str,
    schema: dict,
    description: str,
    where: str = "query",
    required: bool = False,
    **extra: Any,
) -> dict:
    return {
        "name": name,
        "in": where,
        "required": required or where == "path",
        "description": description,
        "schema": schema,
        **extra,
    }


def _search_params() -> list[dict]:
    repeat = {"style": "form", "explode": True}
    return [
        _param(
            "q",
            {"type": "string", "minLength": 1, "maxLength": MAX_QUERY_CHARS},
            "Words, a question, or a citation such as 选举法第三十条",
            required=True,
            example="选举法第三十条",
        ),
        _param(
            "limit",
            {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 10},
            "Hits per page",
        ),
        _param(
            "offset",
            {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
            "Hits to skip",
        ),
        _param(
            "kind",
            {"type": "array", "items": {"type": "string", "enum": list(KINDS)}},
            "Only documents of this kind (repeatable)",
            **repeat,
        ),
        _param(
            "region",
            {"type": "array", "items": {"type": "string"}},
            "Only documents of this province (repeatable)",
            **repeat,
        ),
        _param(
            "document",
            {"type": "array", "items": {"type": "string"}},
            "Only these document ids (repeatable)",
            **repeat,
        ),
        *_version_params(),
        _param(
            "mode",
            {"type": "string", "enum": list(MODES), "default": "auto"},
            "auto: a semantic pass for questions in words, lexical for citations, phrases and "
            "titles; hybrid, lexical or semantic to choose (lexical while vectors are prepared)",
        ),
    ]


def _version_params() -> list[dict]:
    return [
        _param(
            "versions",
            {"type": "string", "enum": ["current", "all"], "default": "current"},
            "current: versions in force now; all: superseded versions too",
        ),
        _param(
            "as_of",
            {"type": "string", "format": "date"},
            "Only versions in force on this date (YYYY-MM-DD); overrides versions",
        ),
    ]


def _id_param(name: str, what: str, example: str) -> dict:
    schema = {"type": "string", "minLength": 1}
    return _param(name, schema, what, required=True, example=example)


def _responses(schema: str, *errors: str) -> dict:
    out = {"200": {"description": "OK", "content": {"application/json": {"schema": ref(schema)}}}}
    for code in (*errors, "405", "413", "414", "431", "500", "503"):
        out[code] = {
            "description": ERRORS[code],
            "content": {"application/json": {"schema": ref("ErrorEnvelope")}},
        }
    return out


def _op(summary: str, params: list[dict], schema: str, *errors: str) -> dict:
    return {
        "get": {"summary": summary, "parameters": params, "responses": _responses(schema, *errors)}
    }


def _paths() -> dict:
    ident = lambda name, what: _param(name, {"type": "string"}, what, where="path")  # noqa: E731
    ref_param = _param(
        "ref",
        {"type": "string", "minLength": 1, "maxLength": MAX_QUERY_CHARS},
        "A citation such as 选举法第三十条第二款",
        required=True,
        example="选举法第三十条第二款",
    )
    return {
        "/api/search": _op(
            "Search passages",
            [*_search_params(), openapi_assist.explain_param()],
            "SearchEnvelope",
            "400",
        ),
        "/api/passages/{id}": _op(
            "One passage by id", [ident("id", "Passage id")], "HitEnvelope", "404"
        ),
        "/api/passages/{id}/links": _op(
            "What a passage cites, what cites it, and the local articles implementing it",
            [ident("id", "Passage id")],
            "LinksEnvelope",
            "404",
        ),
        "/api/documents/{id}": _op(
            "A document with versions, contents and passages",
            [ident("id", "Document id")],
            "DocumentEnvelope",
            "404",
        ),
        "/api/cite": _op(
            "Resolve a citation to its passage",
            [ref_param, *_version_params()],
            "HitEnvelope",
            "400",
            "404",
        ),
        "/api/compare": _op(
            "Two versions of one work aligned article by article (新旧对照)",
            [
                _id_param("from", "The older version's document id", "b0294960f2e5"),
                _id_param("to", "The newer version's document id", "5c72d24d3df2"),
            ],
            "CompareEnvelope",
            "400",
            "404",
        ),
        "/api/history": _op(
            "The cited article in every version of its work, oldest first (历次修改)",
            [ref_param, *_version_params()],
            "HistoryEnvelope",
            "400",
            "404",
        ),
        "/api/health": _op("Live index build and counts", [], "HealthEnvelope"),
        **openapi_assist.paths(_responses),
        "/api/openapi.json": {
            "get": {
                "summary": "This document",
                "responses": {
                    "200": {
                        "description": "OpenAPI 3.1 document",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
    }


@functools.lru_cache(maxsize=1)
def openapi_document() -> dict:
    """The whole OpenAPI document (built once)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "kb — cited-passage search",
            "version": "1",
            "description": "Every response is JSON with `ok`; errors share one envelope "
            "{ok: false, error, status}. New keys may be added; the "
            "documented ones stay.",
        },
        "paths": _paths(),
        "components": {
            "schemas": {**components(), **compare_components(), **openapi_assist.components()}
        },
    }
