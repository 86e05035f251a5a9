"""The base of every shape: pydantic models whose JSON Schemas are the published ones."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import GenerateJsonSchema, models_json_schema

COMPONENTS = "#/components/schemas/{model}"  # where OpenAPI keeps named schemas

Ok = Literal[True]  # every answer's `ok`
Json = dict[str, Any]  # a free-form object (its keys are not part of the contract)
Internal = Annotated[
    bool, Field(description="true for an internal document (shown only to signed-in callers)")
]


class Shape(BaseModel):
    """A JSON object kb answers with: every key is named, no other is allowed."""

    model_config = ConfigDict(extra="forbid")


class Request(BaseModel):
    """The parameters a request takes (query string, path or body); unknown ones are ignored."""


class _Schema(GenerateJsonSchema):
    """JSON Schemas without a title on every property (the names say it)."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def json_schemas(
    models: Iterable[type[BaseModel]], ref_template: str = COMPONENTS
) -> tuple[dict[type[BaseModel], Json], Json]:
    """A reference to each of `models`, and the JSON Schemas of them and of every model they
    use, by name."""
    models = list(dict.fromkeys(models))
    refs, top = models_json_schema(
        [(m, "validation") for m in models], ref_template=ref_template, schema_generator=_Schema
    )
    return {m: refs[(m, "validation")] for m in models}, top.get("$defs", {})


def model_schema(model: type[BaseModel], ref_template: str = COMPONENTS) -> Json:
    """One model's JSON Schema (with $refs to the models it uses)."""
    return model.model_json_schema(ref_template=ref_template, schema_generator=_Schema)
