"""Data files for query understanding and the analyzer (dictionaries, synonyms, stopwords)."""
