"""The OpenAPI 3.1 document served at /api/openapi.json, generated from the app's /api routes and
the pydantic models of kb.shapes (tests keep it true of every response).

To add an endpoint, declare what it takes and answers where it is routed, with models from
kb.shapes (answers subclass Shape, so no undeclared key passes; parameters subclass Request):

    @bp.get("/things/<id>")
    @operation(ThingEnvelope, path=ThingId, query=ThingQuery, errors=(404,))
    def thing(id: str) -> Response: ...

The first line of the view's docstring is the operation's summary; path variables are named as
the fields of `path`; `body` describes a JSON request body. Every /api route must have an
operation (the document refuses to build without one).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask
from pydantic import BaseModel

from kb.shapes.base import Json, json_schemas, model_schema
from kb.shapes.search import ErrorEnvelope

INFO = {
    "title": "kb — cited-passage search",
    "version": "1",
    "description": "Every response is JSON with `ok`; errors share one envelope "
    "{ok: false, error, status}. New keys may be added; the documented ones stay.",
}
ERRORS = {
    400: "Bad parameter (missing or too long q, limit/offset out of range, unknown kind …, "
    "or a token sent in the URL)",
    401: "No credentials (staff endpoints), or a token invalid or revoked, or a session expired",
    403: "The caller's role does not allow this",
    404: "No such passage, document or citation",
    409: "A duplicate of a document held, or a state that does not allow this",
    415: "Content that is no format kb reads (judged from the bytes, not the name)",
    422: "A file that cannot be read (damaged, encrypted, no text)",
    405: "Method not allowed",
    413: "Request body too large",
    414: "Query string too long",
    431: "Request headers too large (refused by the server itself, same envelope)",
    500: "Internal error",
    503: "No index has been built yet",
}
ANSWERS = {
    200: "OK",
    201: "Created",
    202: "Accepted: the keeper has not finished within `wait`; the answer says the state",
}
# Any endpoint may answer these (400 and 401 for a token in the URL or a bad one, where the
# collection has accounts).
ALWAYS = (400, 401, 405, 413, 414, 431, 500, 503)
_VARIABLE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")  # <id>, <int:n>


@dataclass(frozen=True)
class Operation:
    """What one route takes and answers; `response` None: any JSON object (this document)."""

    summary: str
    response: type[BaseModel] | None
    query: type[BaseModel] | None = None
    path: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    errors: tuple[int, ...] = ()
    form: type[BaseModel] | None = None  # a multipart/form-data body (uploads)
    answers: tuple[int, ...] = (200,)  # the success codes; each answers with `response`

    def statuses(self) -> set[int]:
        """Every status this route may answer with."""
        return {*self.answers, *self.errors, *ALWAYS}


def operation(response: type[BaseModel] | None, **parts) -> Callable:
    """Declare what a view takes and answers (see the module's docstring); the summary is the
    first line of the view's docstring."""

    def mark(view: Callable) -> Callable:
        summary = (view.__doc__ or view.__name__).strip().splitlines()[0]
        view.operation = Operation(summary, response, **parts)  # type: ignore[attr-defined]
        return view

    return mark


def operation_of(app: Flask, endpoint: str | None) -> Operation | None:
    """The Operation declared for an endpoint, if any."""
    return getattr(app.view_functions.get(endpoint or ""), "operation", None)


def openapi_document(app: Flask) -> Json:
    """The whole OpenAPI document of `app` (built once)."""
    if "kb.openapi" not in app.extensions:
        app.extensions["kb.openapi"] = _document(app)
    return app.extensions["kb.openapi"]


def _document(app: Flask) -> Json:
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            declared = operation_of(app, rule.endpoint)
            if declared is None:
                raise LookupError(f"{rule.rule} has no @operation (web/openapi.py)")
            path = _VARIABLE.sub(r"{\1}", rule.rule)
            routes += [(path, m.lower(), declared) for m in rule.methods - {"HEAD", "OPTIONS"}]
    answers = [ErrorEnvelope, *(o.response for _, _, o in routes if o.response)]
    refs, schemas = json_schemas(answers)
    paths: Json = {}
    for path, method, declared in routes:
        paths.setdefault(path, {})[method] = _operation(declared, refs)
    return {"openapi": "3.1.0", "info": INFO, "paths": paths, "components": {"schemas": schemas}}


def _operation(o: Operation, refs: dict) -> Json:
    out: Json = {"summary": o.summary, "parameters": _parameters(o.path, "path")}
    out["parameters"] += _parameters(o.query, "query")
    if o.body is not None:
        content = {"application/json": {"schema": model_schema(o.body)}}
        out["requestBody"] = {"required": True, "content": content}
    if o.form is not None:
        content = {"multipart/form-data": {"schema": model_schema(o.form)}}
        out["requestBody"] = {"required": True, "content": content}
    if o.response is None:
        out["responses"] = {"200": _answer("OpenAPI 3.1 document", {"type": "object"})}
        return out
    out["responses"] = {str(c): _answer(ANSWERS[c], refs[o.response]) for c in o.answers}
    for code in (*o.errors, *ALWAYS):
        out["responses"][str(code)] = _answer(ERRORS[code], refs[ErrorEnvelope])
    return out


def _answer(description: str, schema: Json) -> Json:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _parameters(model: type[BaseModel] | None, where: str) -> list[Json]:
    """One parameter per field of `model` (its alias, if it has one)."""
    if model is None:
        return []
    schema = model_schema(model)
    required = set(schema.get("required", ()))
    params = []
    for name, field in schema["properties"].items():
        field = _one_type(field)
        param = {"name": name, "in": where, "required": where == "path" or name in required}
        param |= {"description": field.pop("description", ""), "schema": field}
        if field.get("type") == "array":  # kind=法律&kind=行政法规
            param |= {"style": "form", "explode": True}
        params.append(param)
    return params


def _one_type(field: Json) -> Json:
    """A parameter's schema: a query string has no null, so `X | None = None` is just X."""
    field = dict(field)
    for option in field.pop("anyOf", ()):
        if option.get("type") != "null":
            field |= option
    if "default" in field and field["default"] is None:
        del field["default"]
    return field
