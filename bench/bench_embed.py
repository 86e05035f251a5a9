"""Embedding throughput of the vector build, and the full corpus's embedding time from it.

    .venv/bin/python bench/bench_embed.py [--every 10] [--procs 2]

Takes every n-th distinct passage text of the live build (the exact texts `kb index` embeds, so
their lengths are the corpus's), embeds them the way `kb index` does (length-sorted chunks,
worker processes with one BLAS thread each) into a throwaway vector cache, and prints
passages/s and the time the whole corpus would take at that rate. Run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from indexer.embed import build_texts, embed_missing
from kb.config import load_settings
from kb.semantic.encoder import Encoder
from kb.semantic.vectors import VectorCache, text_key
from kb.store import Store


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--every", type=int, default=10, help="take every n-th distinct text")
    ap.add_argument("--procs", type=int, default=min(2, os.cpu_count() or 1))
    args = ap.parse_args()
    build = Store(load_settings().index_dir).current()
    texts = {text_key(t): t for t in build_texts(build) if t is not None}
    keys = sorted(texts)  # hash order: a sample spread evenly over lengths and documents
    sample = {k: texts[k] for k in keys[:: args.every]}
    encoder = Encoder()
    tokens = [encoder.token_count(t) for t in sample.values()]
    print(
        f"build {build.name}: {len(texts)} distinct texts; sample of {len(sample)} "
        f"(every {args.every}th), tokens mean {np.mean(tokens):.0f}, "
        f"cut at 256: {np.mean(np.array(tokens) > 256):.1%}",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        started = time.monotonic()
        embed_missing(Path(tmp), encoder, sample, args.procs)
        seconds = time.monotonic() - started
        stored = len(VectorCache(Path(tmp), encoder.tag).index())
    rate = len(sample) / seconds
    print(
        f"{encoder.tag}, {args.procs} worker processes: {len(sample)} passages in {seconds:.0f} s"
    )
    print(f"  {rate:.1f} passages/s; stored {stored} vectors")
    print(f"  whole corpus ({len(texts)} texts) at this rate: {len(texts) / rate / 60:.0f} min")
    sys.exit(0 if stored == len(sample) else 1)


if __name__ == "__main__":
    main()
