"""The JSON API: the same Library and search function as the page, one envelope for everything."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify, request

from kb.config import MAX_ID_CHARS, MAX_QUERY_CHARS
from kb.errors import BadQuery
from kb.search import SearchParams
from kb.shapes.documents import DocumentEnvelope, document_envelope
from kb.shapes.links import LinksEnvelope, links_envelope
from kb.shapes.params import CitationQuery, DocumentId, PassageId, SearchQuery
from kb.shapes.search import (
    HealthEnvelope,
    HitEnvelope,
    SearchEnvelope,
    health_envelope,
    hit_envelope,
    search_envelope,
)
from web.assist_api import flag
from web.context import get_library
from web.form import SearchForm
from web.openapi import openapi_document, operation

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
@operation(SearchEnvelope, query=SearchQuery, errors=(400,))
def search() -> Response:
    """Search passages: ranked, cited passages for q under the filters."""
    form = SearchForm.from_args(request.args)
    explain = flag("explain")
    library, kwargs = get_library(), form.search_kwargs()
    envelope = search_envelope(result := library.search(**kwargs))
    if explain:  # why each hit of this page matched (kb.search.explain): only when asked for
        for hit, why in zip(
            envelope["hits"], library.explain(result=result, **kwargs), strict=True
        ):
            hit["explain"] = why
    return jsonify(envelope)


@bp.get("/passages/<id>")
@operation(HitEnvelope, path=PassageId, errors=(404,))
def passage(id: str) -> Response:
    """One passage by id, as a hit."""
    return jsonify(hit_envelope(get_library().passage(_checked_id(id))))


@bp.get("/passages/<id>/links")
@operation(LinksEnvelope, path=PassageId, errors=(404,))
def passage_links(id: str) -> Response:
    """What a passage cites, what cites it, and the local articles implementing it."""
    return jsonify(links_envelope(get_library().links(_checked_id(id))))


@bp.get("/documents/<id>")
@operation(DocumentEnvelope, path=DocumentId, errors=(404,))
def document(id: str) -> Response:
    """A document: metadata, history, contents, versions, parts and every passage."""
    return jsonify(document_envelope(get_library().document(_checked_id(id))))


@bp.get("/cite")
@operation(HitEnvelope, query=CitationQuery, errors=(400, 404))
def cite() -> Response:
    """Resolve a citation such as 选举法第三十条第二款 to its passage."""
    ref, versions, as_of = ref_args()
    return jsonify(hit_envelope(get_library().cite(ref, versions=versions, as_of=as_of)))


def ref_args() -> tuple[str, str, str | None]:
    """The checked ref, versions and as_of parameters of a citation look-up."""
    ref = (request.args.get("ref") or "").strip()
    if not ref:
        raise BadQuery("ref is required: a citation such as 选举法第三十条第二款")
    if len(ref) > MAX_QUERY_CHARS:
        raise BadQuery(f"ref is too long: at most {MAX_QUERY_CHARS} characters")
    versions = (request.args.get("versions") or "current").strip()
    as_of = (request.args.get("as_of") or "").strip() or None
    SearchParams(ref, versions=versions, as_of=as_of)  # BadQuery before any look-up
    return ref, versions, as_of


@bp.get("/health")
@operation(HealthEnvelope)
def health() -> Response:
    """Which index build is live and how big it is (503 when there is none)."""
    return jsonify(health_envelope(get_library().health()))


@bp.get("/openapi.json")
@operation(None)
def openapi() -> Response:
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document(current_app))


def _checked_id(value: str) -> str:
    """An id as given, or 404 when it cannot be one (too long or with control characters)."""
    if len(value) > MAX_ID_CHARS or not value.isprintable():
        abort(404, description=f"no such id: {value[:40]!r}")
    return value
