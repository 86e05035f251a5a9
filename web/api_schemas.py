"""JSON Schemas of the API's responses (the `components` of the OpenAPI document)."""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]


def ref(name: str) -> Schema:
    """A reference to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: dict[str, Schema], description: str = "") -> Schema:
    """An object that has (at least) these keys; new keys may be added later."""
    schema: Schema = {"type": "object", "required": list(properties), "properties": properties}
    return {**schema, "description": description} if description else schema


STR: Schema = {"type": "string"}
INT: Schema = {"type": "integer"}
OPT_STR: Schema = {"type": ["string", "null"]}
OPT_INT: Schema = {"type": ["integer", "null"]}
STRS: Schema = {"type": "array", "items": STR}
TRUE: Schema = {"const": True}
STATUS: Schema = {"type": "string", "enum": ["current", "superseded"]}


def _citation() -> Schema:
    return obj(
        {
            "title": STR,
            "version": STR,
            "article": OPT_INT,
            "article_label": STR,
            "paragraph": OPT_INT,
            "item": OPT_INT,
            "heading_path": STRS,
            "label": STR,
        },
        "What a person needs to find and check the passage; `label` is the citation.",
    )


def _document_info() -> Schema:
    return obj(
        {
            "id": STR,
            "title": STR,
            "kind": STR,
            "region": OPT_STR,
            "source": STR,
            "version_date": OPT_STR,
            "effective_date": OPT_STR,
            "status": STATUS,
            "version_label": STR,
            "subtitle": OPT_STR,
        }
    )


def _hit() -> Schema:
    snippet = obj(
        {
            "text": STR,
            "highlights": {
                "type": "array",
                "description": "[start, end) character ranges into snippet.text",
                "items": {"type": "array", "items": INT, "minItems": 2, "maxItems": 2},
            },
        }
    )
    hit = obj(
        {
            "id": STR,
            "score": {"type": "number"},
            "text": STR,
            "article": OPT_INT,
            "paragraph": OPT_INT,
            "heading_path": STRS,
            "snippet": snippet,
            "document": ref("DocumentInfo"),
            "citation": ref("Citation"),
            "url": STR,
            "matched": {
                "type": "string",
                "description": "why it is listed: text, phrase, citation, document (a question about the document: its header) or id",
            },
            "retrieval": {
                "type": ["object", "null"],
                "description": "when a semantic pass ran: which retrievers found the passage "
                "(lexical, semantic), its rank in each and its cosine to the question",
                "properties": {
                    "found_by": STRS,
                    "lexical_rank": OPT_INT,
                    "semantic_rank": OPT_INT,
                    "semantic_score": {"type": ["number", "null"]},
                },
            },
            "earlier_version_of": {
                "type": ["string", "null"],
                "description": "set on the superseded version's counterpart listed right after "
                "a current article (same or largely the same text): that article's passage id",
            },
        },
        "One ranked, cited passage.",
    )
    hit["properties"]["explain"] = ref("Explanation")  # only with /api/search?explain=1
    return hit


def _version() -> Schema:
    return obj(
        {
            "id": STR,
            "title": STR,
            "subtitle": OPT_STR,
            "version_label": STR,
            "version_date": OPT_STR,
            "effective_date": OPT_STR,
            "status": STATUS,
            "valid_from": OPT_STR,
            "valid_to": OPT_STR,
            "source": STR,
        },
        "One version (or part) of a work; valid_to is the first day no longer in force.",
    )


def _passage() -> Schema:
    item = obj({"number": INT, "text": STR, "subitems": STRS})
    paragraph = obj({"number": INT, "text": STR, "items": {"type": "array", "items": item}})
    return obj(
        {
            "id": STR,
            "ordinal": INT,
            "label": STR,
            "role": STR,
            "article": OPT_INT,
            "article_suffix": INT,
            "text": STR,
            "heading_path": STRS,
            "paragraphs": {"type": "array", "items": paragraph},
            "citation": ref("Citation"),
            "url": STR,
        }
    )


def _document() -> Schema:
    history = obj({"date": OPT_STR, "body": STR, "event": STR, "text": STR})
    heading = obj({"level": INT, "text": STR, "first_passage": INT})
    return obj(
        {
            "id": STR,
            "title": STR,
            "subtitle": OPT_STR,
            "kind": STR,
            "issuer": OPT_STR,
            "region": OPT_STR,
            "city": OPT_STR,
            "version_date": OPT_STR,
            "effective_date": OPT_STR,
            "version_label": STR,
            "status": STATUS,
            "valid_from": OPT_STR,
            "valid_to": OPT_STR,
            "source": STR,
            "work_key": STR,
            "issue": OPT_STR,
            "recipients": STRS,
            "history": {"type": "array", "items": history},
            "headings": {"type": "array", "items": heading},
        }
    )


def _envelopes() -> dict[str, Schema]:
    array = lambda name: {"type": "array", "items": ref(name)}  # noqa: E731
    return {
        "SearchEnvelope": obj(
            {
                "ok": TRUE,
                "query": STR,
                "total": INT,
                "limit": INT,
                "offset": INT,
                "took_ms": {"type": "number"},
                "hits": array("Hit"),
                "understood": {"type": "object"},
            }
        ),
        "HitEnvelope": obj({"ok": TRUE, "hit": ref("Hit")}),
        "DocumentEnvelope": obj(
            {
                "ok": TRUE,
                "document": ref("Document"),
                "versions": array("Version"),
                "parts": array("Version"),
                "passages": array("Passage"),
            }
        ),
        "HealthEnvelope": obj(
            {
                "ok": TRUE,
                "index": obj({"build": STR, "created": OPT_STR, "documents": INT, "passages": INT}),
            }
        ),
        "ErrorEnvelope": obj(
            {"ok": {"const": False}, "error": STR, "status": INT},
            "The one error shape of every endpoint.",
        ),
    }


def components() -> dict[str, Schema]:
    from web.links_schemas import link_components  # it imports this module's helpers

    """Every named schema of the API."""
    return {
        "Citation": _citation(),
        "DocumentInfo": _document_info(),
        "Hit": _hit(),
        "Version": _version(),
        "Passage": _passage(),
        "Document": _document(),
        **_envelopes(),
        **link_components(),
    }
