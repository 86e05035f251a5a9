"""OpenAPI schemas and paths of /api/compare and /api/history (merged into web.openapi)."""

from __future__ import annotations

from kb.compare.model import HEADING_STATUSES, STATUSES
from web.api_schemas import INT, OPT_STR, STR, STRS, TRUE, Schema, obj, ref

HISTORY_STATUSES = ("original", *STATUSES, "absent")


def _nullable(schema: Schema) -> Schema:
    return {"oneOf": [{"type": "null"}, schema]}


def _diff() -> Schema:
    run = {
        "type": "array",
        "prefixItems": [{"enum": ["=", "-", "+"]}, STR],
        "minItems": 2,
        "maxItems": 2,
    }
    return {
        "type": "array",
        "items": run,
        "description": "Runs [op, text]: the old text is the = and - runs, the new text = and +.",
    }


def _article() -> Schema:
    return obj(
        {
            "id": STR,
            "document": STR,
            "article": {"type": ["integer", "null"]},
            "article_suffix": INT,
            "label": STR,
            "text": STR,
            "heading_path": STRS,
            "url": STR,
        },
        "An article as it stands in one version; id is the passage id.",
    )


def _pair() -> Schema:
    return obj(
        {
            "status": {"type": "string", "enum": list(STATUSES)},
            "moved": {"type": "boolean", "description": "paired out of order"},
            "similarity": {"type": "number"},
            "from": _nullable(ref("ComparedArticle")),
            "to": _nullable(ref("ComparedArticle")),
            "diff": _diff(),
        },
        "An article of the old version and what became of it in the new one.",
    )


def _heading_change() -> Schema:
    heading = obj({"level": INT, "text": STR})
    return obj(
        {
            "status": {"type": "string", "enum": list(HEADING_STATUSES)},
            "from": _nullable(heading),
            "to": _nullable(heading),
            "diff": _diff(),
            "before": {"type": "integer", "description": "index of the pair it comes before"},
        }
    )


def _article_version() -> Schema:
    return obj(
        {
            "document": ref("DocumentInfo"),
            "version_date": OPT_STR,
            "status": {"type": "string", "enum": list(HISTORY_STATUSES)},
            "passage": OPT_STR,
            "label": OPT_STR,
            "text": OPT_STR,
            "url": OPT_STR,
            "diff": _diff(),
        },
        "The article in one version, with the change from the version before.",
    )


def compare_components() -> dict[str, Schema]:
    """The named schemas of the comparison endpoints."""
    array = lambda name: {"type": "array", "items": ref(name)}  # noqa: E731
    version = {"allOf": [ref("DocumentInfo"), obj({"parts": STRS})]}
    counts = obj({k: INT for k in (*STATUSES, "headings")})
    return {
        "ComparedArticle": _article(),
        "ComparedPair": _pair(),
        "HeadingChange": _heading_change(),
        "ArticleVersion": _article_version(),
        "CompareEnvelope": obj(
            {
                "ok": TRUE,
                "from": version,
                "to": version,
                "summary": counts,
                "took_ms": {"type": "number"},
                "headings": array("HeadingChange"),
                "pairs": array("ComparedPair"),
            }
        ),
        "HistoryEnvelope": obj(
            {
                "ok": TRUE,
                "title": STR,
                "article": STR,
                "passage": STR,
                "versions": array("ArticleVersion"),
            }
        ),
    }
