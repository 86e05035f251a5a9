"""web — SearchResult → HTML page and JSON API (Flask factory, blueprints, templates)."""
