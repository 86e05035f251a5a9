"""JSON Schemas of GET /api/passages/{id}/links (components of the OpenAPI document)."""

from __future__ import annotations

from web.api_schemas import INT, OPT_INT, OPT_STR, STR, TRUE, Schema, obj, ref


def _linked_passage() -> Schema:
    return obj(
        {
            "id": {
                **OPT_STR,
                "description": "Passage id; null when the link names a whole document",
            },
            "article": OPT_INT,
            "paragraph": OPT_INT,
            "item": OPT_INT,
            "citation": obj({"label": STR}),
            "url": STR,
            "document": ref("DocumentInfo"),
        },
        "The other end of a link.",
    )


def _link() -> Schema:
    return obj(
        {
            "passage": ref("LinkedPassage"),
            "text": {**STR, "description": "The words in the citing text (empty for matches)"},
            "kind": {"type": "string", "enum": ["article", "document"]},
            "relation": {"type": "string", "enum": ["cites", "implements", "related"]},
            "span": {
                "type": "array",
                "description": "[start, end) of `text` in the citing passage's text",
                "items": INT,
                "minItems": 2,
                "maxItems": 2,
            },
            "exact_version": {
                "type": "boolean",
                "description": "false: the version in force when cited is not held; a later one is linked",
            },
        }
    )


def link_components() -> dict[str, Schema]:
    """LinkedPassage, Link and LinksEnvelope."""
    links = {"type": "array", "items": ref("Link")}
    unresolved = obj(
        {"text": STR, "name": STR, "reason": STR, "span": {"type": "array", "items": INT}}
    )
    return {
        "LinkedPassage": _linked_passage(),
        "Link": _link(),
        "LinksEnvelope": obj(
            {
                "ok": TRUE,
                "id": STR,
                "cites": links,
                "cited_by": links,
                "implemented_by": links,
                "related": links,
                "implements": links,
                "unresolved": {"type": "array", "items": unresolved},
                "counts": {"type": "object", "additionalProperties": INT},
            }
        ),
    }
