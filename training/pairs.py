"""Training pairs from public datasets, mapped onto our corpus (dev-only).

    python -m training.pairs build [--sources DIR] [--out DIR] [--only lawyer-llama,legal-dc,stard]

--sources holds local copies of the source repositories (see training/SOURCES.md); the output
(default var/training/, git-ignored) gets <source>.jsonl in the format of
../shared/eval/stard-train.jsonl plus fold/group/passage ids, and <source>.log.json.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kb.config import DEFAULT_CORPUS
from kb.errors import KBError
from training import WORK
from training.build import READERS, build

EVAL = DEFAULT_CORPUS.parent / "eval"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m training.pairs", description=__doc__.splitlines()[0]
    )
    sub = ap.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="map every source onto the corpus and write the JSONL files")
    b.add_argument(
        "--sources",
        type=Path,
        default=WORK / "sources",
        help="folder with the source repositories (owner+name or owner/name)",
    )
    b.add_argument("--out", type=Path, default=WORK)
    b.add_argument(
        "--corpus", type=Path, action="append", help="corpus folder (default: ../shared/corpus)"
    )
    b.add_argument("--stard-train", type=Path, default=EVAL / "stard-train.jsonl")
    b.add_argument("--only", help=f"comma-separated sources among {', '.join([*READERS, 'stard'])}")
    args = ap.parse_args(argv)
    only = [s.strip() for s in args.only.split(",")] if args.only else None
    unknown = set(only or ()) - {*READERS, "stard"}
    if unknown:
        ap.error(f"unknown source(s): {', '.join(sorted(unknown))}")
    try:
        build(args.sources, args.out, args.corpus or [DEFAULT_CORPUS], args.stard_train, only)
    except KBError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
