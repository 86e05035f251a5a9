"""JSON-ready shapes of what the library answers: one source for the API, the CLI and MCP."""
