"""The semantic layer: the e5 encoder, passage vectors, the exact vector scan and fusion with the lexical ranking."""
