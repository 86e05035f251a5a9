"""Every /api answer a test gets is checked against the model its route declares (kb.shapes,
where no undeclared key passes), so the published shapes cannot drift from the answers.

Build apps with `checked_app` instead of web.create_app; a mismatch fails the test that got the
answer (the autouse fixture in tests/conftest.py calls `assert_no_mismatch`).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, request
from pydantic import BaseModel, ValidationError

from kb.shapes.search import ErrorEnvelope
from web import create_app
from web.openapi import operation_of

_mismatches: list[str] = []


def checked_app(config: dict[str, Any] | None = None) -> Flask:
    """web.create_app(config), each of whose /api answers is checked against its model."""
    app = create_app(config)

    def check(response: Response) -> Response:
        model = _model(app, response)
        declared = operation_of(app, request.endpoint)
        if model is not None and declared and response.status_code not in declared.statuses():
            _mismatches.append(f"{request.method} {request.path}: undeclared {response.status}")
        if model is not None:
            try:
                model.model_validate_json(response.get_data(), strict=True)
            except ValidationError as exc:
                answer = f"{request.method} {request.full_path} → {response.status_code}"
                _mismatches.append(f"{answer}: {exc}")
        return response

    app.after_request(check)
    return app


def _model(app: Flask, response: Response) -> type[BaseModel] | None:
    """The model an answer must fit: the route's, or the error envelope (None: not checked)."""
    if not request.path.startswith("/api/") or request.method not in ("GET", "POST"):
        return None
    if response.status_code >= 400:
        return ErrorEnvelope
    declared = operation_of(app, request.endpoint)
    return declared.response if declared else None


def assert_no_mismatch() -> None:
    """Fail (once) if an answer did not fit its model since the last call."""
    found, _mismatches[:] = list(_mismatches), []
    assert not found, "answers that do not fit their model:\n" + "\n".join(found)
