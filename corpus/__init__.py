"""corpus — files on disk → Document / Passage / Citation (loaders per format, structure parsers)."""
