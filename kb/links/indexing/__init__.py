"""Index-time links: references found per document, resolved to passages, relations between works."""
