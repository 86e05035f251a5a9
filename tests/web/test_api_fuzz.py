"""Fuzzing the JSON API from its own OpenAPI document with schemathesis, in-process and offline.

Every operation of /api/openapi.json gets schemathesis's explicit-example, coverage (boundary
values) and fuzzing phases against the Flask app on the small index, with valid and (where an
operation has query parameters) invalid inputs. Each response must: not be a 5xx, have a
documented status and content type, match the documented schema, carry the security headers,
and be the error envelope whenever it is an error.

schemathesis's own pytest entry points (`schema.parametrize()`, `pytest.from_fixture`) rename
test nodes through an attribute pytest 9.2 no longer has, so the test is built here with the
same builder they use: one pytest test per operation, each running a Hypothesis test.
"""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.generation.hypothesis.builder import (
    HypothesisTestConfig,
    HypothesisTestMode,
    create_test,
)

from web.security import HEADERS

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
# Operations and how many fuzzed examples each gets (coverage-phase examples come on top).
OPERATIONS = {
    "/api/search": 150,
    "/api/cite": 150,
    "/api/suggest": 100,
    "/api/verify": 80,
    "/api/compare": 40,
    "/api/history": 60,
    "/api/passages/{id}": 60,
    "/api/passages/{id}/links": 60,
    "/api/documents/{id}": 60,
    "/api/health": 2,
    "/api/openapi.json": 2,
}
# Invalid inputs only exist where there are query parameters (any string is a valid path id).
NEGATIVE = {
    "/api/search",
    "/api/cite",
    "/api/compare",
    "/api/history",
    "/api/suggest",
    "/api/verify",
}


@pytest.fixture(scope="module")
def api_schema(app):
    """The app's OpenAPI document, loaded by schemathesis through the WSGI interface."""
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


def test_every_documented_operation_is_fuzzed(api_schema):
    assert set(api_schema.raw_schema["paths"]) == set(OPERATIONS)


def _check_envelope_and_headers(case, response) -> None:
    """Security headers on every response; the one error shape on every error."""
    headers = {name.lower(): value for name, value in response.headers.items()}
    for name, value in HEADERS.items():
        assert headers.get(name.lower()) == [value], name
    if case.method.upper() == "OPTIONS" and response.status_code == 200:
        allowed = headers["allow"][0]  # the coverage phase probes other methods too
        assert "GET" in allowed or "POST" in allowed
        return
    body = response.json()
    if response.status_code >= 400:
        assert set(body) == {"ok", "error", "status"}
        assert body["ok"] is False and body["status"] == response.status_code and body["error"]
    else:
        assert body.get("ok", True) is True  # the OpenAPI document itself has no `ok`


def _fuzz(api_schema, path: str, examples: int) -> Counter:
    """Run every phase for one operation; the statuses seen."""
    modes = list(GenerationMode) if path in NEGATIVE else [GenerationMode.POSITIVE]
    api_schema.config.generation.update(modes=modes)
    statuses: Counter = Counter()

    def check(case) -> None:
        response = case.call_and_validate(checks=CHECKS)
        statuses[response.status_code] += 1
        _check_envelope_and_headers(case, response)

    config = HypothesisTestConfig(
        project=api_schema.config,
        modes=list(HypothesisTestMode),
        settings=settings(
            max_examples=examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    method = next(iter(api_schema.raw_schema["paths"][path])).upper()  # POST for /api/verify
    create_test(operation=api_schema[path][method], test_func=check, config=config)()
    return statuses


@pytest.mark.parametrize("path", list(OPERATIONS))
def test_operation_conforms_to_its_document(api_schema, path):
    statuses = _fuzz(api_schema, path, OPERATIONS[path])
    assert sum(statuses.values()) >= min(OPERATIONS[path], 2)  # no parameters: a single case
    if path in NEGATIVE:  # both accepted and refused requests were exercised
        assert statuses[200] and statuses[400], statuses


def _real_ids(library) -> dict[str, set[str]]:
    """Passage and document ids that exist in the small index (laws and a bulletin)."""
    hits = [
        h
        for q in ("选举法第三十条", "代表工作", "宪法宣誓", "海事诉讼管辖")
        for h in library.search(q, limit=3, versions="all").hits
    ]
    return {
        "/api/passages/{id}": {h.id for h in hits},
        "/api/passages/{id}/links": {h.id for h in hits},
        "/api/documents/{id}": {h.document.id for h in hits},
    }


@pytest.mark.parametrize(
    "path", ["/api/passages/{id}", "/api/passages/{id}/links", "/api/documents/{id}"]
)
def test_existing_ids_conform_to_the_document(api_schema, library, path):
    operation = api_schema[path]["GET"]
    for ident in sorted(_real_ids(library)[path]):
        case = operation.Case(path_parameters={"id": ident})
        response = case.call_and_validate(checks=CHECKS)
        assert response.status_code == 200
        _check_envelope_and_headers(case, response)
