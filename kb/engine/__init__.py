"""The search engine: BM25 scoring over Whoosh postings, vectorised with numpy."""
