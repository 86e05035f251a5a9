"""JSON shapes of what the library answers: one source for the API, the CLI and MCP.

Each module pairs pydantic models (subclasses of base.Shape: every key named, no other allowed)
with the hand-written functions that build the same JSON-ready dicts from kb's dataclasses
(4-8x faster than model_dump: bench/bench_shapes.py). The models are published: web.openapi
turns them into the OpenAPI document, the MCP tools (mcpserver) return tools.py's models, and
the tests check every /api answer against its model. params.py holds what requests take, with
the limits of kb.config. A new endpoint: add its models here, then declare them on its view
with web.openapi.operation.
"""
