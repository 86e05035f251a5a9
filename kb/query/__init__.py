"""Query understanding: normalisation, citations, short names, synonyms, stopwords."""
