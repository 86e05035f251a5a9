"""The OpenAPI description of the endpoints for assistants: suggestions, citation checking, and
the `explain` option of /api/search (merged into web.openapi's document)."""

from __future__ import annotations

from kb.search.suggest import MAX_SUGGEST_CHARS
from kb.verify.verdicts import MAX_VERIFY_CHARS, VERDICTS
from web.api_schemas import INT, OPT_INT, OPT_STR, STR, TRUE, Schema, obj, ref

NUMBER: Schema = {"type": "number"}
NUMBERS: Schema = {"type": "object", "additionalProperties": NUMBER}


def explain_param() -> dict:
    """The `explain` query parameter of /api/search."""
    return {
        "name": "explain",
        "in": "query",
        "required": False,
        "description": "1: add `explain` to every hit of the page (why it matched)",
        "schema": {"type": "string", "enum": ["0", "1", "true", "false"], "default": "0"},
    }


def _explain() -> Schema:
    term = obj(
        {
            "term": STR,
            "concept": STR,
            "via": {"type": "string", "enum": ["query", "synonym", "related", "subword"]},
            "fields": NUMBERS,
        },
        "An index term found in the passage (text, heading) or its document's title, with "
        "each field's BM25 contribution.",
    )
    reason = obj({"reason": STR, "value": STR, "factor": NUMBER})
    return obj(
        {
            "matched": STR,
            "terms": {"type": "array", "items": term},
            "coverage": {"type": ["number", "null"]},
            "expansions": {"type": "object"},
            "priors": obj({"document": NUMBER, "reasons": {"type": "array", "items": reason}}),
            "boosts": obj({"marked": _strs(), "pairs": _strs(), "phrases": _strs()}),
            "citation": {"type": ["object", "null"]},
            "semantic": {
                "type": ["object", "null"],
                "description": "the semantic layer's share, where that layer exists",
            },
            "earlier_version_of": {
                "type": ["string", "null"],
                "description": "the current article (passage id) this superseded one is the "
                "earlier wording of",
            },
        },
        "Why a hit matched (only with explain=1).",
    )


def _strs() -> Schema:
    return {"type": "array", "items": STR}


def _suggestion() -> Schema:
    return obj(
        {
            "kind": {"type": "string", "enum": ["work", "article", "paragraph"]},
            "text": STR,
            "label": STR,
            "detail": STR,
            "document": OPT_STR,
        },
        "A completion: `text` replaces what was typed; `label` and `detail` are shown.",
    )


def _verdict() -> Schema:
    passage = {"anyOf": [ref("VerifiedPassage"), {"type": "null"}]}
    return obj(
        {
            "citation": STR,
            "start": INT,
            "end": INT,
            "quote": OPT_STR,
            "quote_start": OPT_INT,
            "quote_end": OPT_INT,
            "verdict": {"type": "string", "enum": list(VERDICTS)},
            "message": STR,
            "label": OPT_STR,
            "passage": passage,
            "current": passage,
            "changed": OPT_STR,
            "found_in": passage,
            "diff": {
                "type": ["array", "null"],
                "items": obj({"op": STR, "quoted": STR, "actual": STR}),
            },
        },
        "One citation found in the text and what checking it against the collection showed.",
    )


def components() -> dict[str, Schema]:
    """The named schemas these endpoints add."""
    return {
        "Explanation": _explain(),
        "Suggestion": _suggestion(),
        "SuggestEnvelope": obj(
            {
                "ok": TRUE,
                "query": STR,
                "took_ms": NUMBER,
                "suggestions": {"type": "array", "items": ref("Suggestion")},
            }
        ),
        "VerifiedPassage": obj(
            {"id": STR, "label": STR, "text": STR, "url": STR, "status": STR, "version": STR}
        ),
        "Verdict": _verdict(),
        "VerifyEnvelope": obj(
            {
                "ok": TRUE,
                "took_ms": NUMBER,
                "characters": INT,
                "counts": {"type": "object", "additionalProperties": INT},
                "citations": {"type": "array", "items": ref("Verdict")},
            }
        ),
    }


def paths(responses) -> dict:
    """The paths these endpoints add; `responses(schema, *errors)` is web.openapi's."""
    typed = {"type": "string", "minLength": 1, "maxLength": MAX_SUGGEST_CHARS}
    limit = {"type": "integer", "minimum": 1, "maximum": 20, "default": 8}
    return {
        "/api/suggest": {
            "get": {
                "summary": "Names and citations completing what is typed (选举 → 选举法; 代表法第四 → 第四条 …)",
                "parameters": [
                    {
                        "name": "q",
                        "in": "query",
                        "required": True,
                        "schema": typed,
                        "description": "What has been typed so far",
                        "example": "代表法第四",
                    },
                    {
                        "name": "limit",
                        "in": "query",
                        "required": False,
                        "schema": limit,
                        "description": "Most suggestions",
                    },
                ],
                "responses": responses("SuggestEnvelope", "400"),
            }
        },
        **verify_path(responses),
    }


def verify_path(responses) -> dict:
    """POST /api/verify."""
    body = {
        "type": "object",
        "required": ["text"],
        "properties": {"text": {"type": "string", "minLength": 1, "maxLength": MAX_VERIFY_CHARS}},
    }
    return {
        "/api/verify": {
            "post": {
                "summary": "Check every citation (and quotation attached to one) in a text",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": body,
                            "example": {"text": "依照《选举法》第三十条的规定"},
                        }
                    },
                },
                "responses": responses("VerifyEnvelope", "400"),
            }
        },
    }
