"""Citation checking: every citation and quotation in a text checked against the collection."""
