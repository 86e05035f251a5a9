"""What accounts cost an anonymous search: the same requests through an app without accounts
and one with (sign-in, CSRF, the access rule and its hooks installed), interleaved, timed in
CPU seconds of this process (robust on a machine other jobs keep busy).

    .venv/bin/python -m bench.bench_access [--rounds 5] [--requests 200]

Uses the configured index (KB_INDEX_DIR); the accounts live in a temporary copy of nothing but
the database: the index is opened read-only by both apps.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("KB_VECTORS", "off")

from bench.load import query_mix  # noqa: E402
from kb.config import load_settings  # noqa: E402


def _cpu_per_request(client, paths: list[str]) -> float:
    """CPU milliseconds per request of this process for `paths`."""
    started = time.process_time()
    for path in paths:
        response = client.get(path)
        assert response.status_code in (200, 400), (path, response.status_code)
        response.close()
    return (time.process_time() - started) * 1000 / len(paths)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    from collection import accounts
    from collection.places import Places
    from kb.library import Library
    from web import create_app

    index = load_settings().index_dir
    paths = query_mix()[: args.requests]
    library = Library(index)
    plain = create_app({"INDEX_DIR": str(index), "LIBRARY": library})
    with tempfile.TemporaryDirectory() as keep:
        # the staff app reads the same index; its accounts database sits in a temporary folder
        settings = load_settings({}, index_dir=Path(keep))
        accounts.add_user(Places(settings).database, "admin", "admin", "bench password")
        staff = create_app({"INDEX_DIR": keep, "LIBRARY": library})
        staff.extensions["kb.shelves"].public = library
        assert "kb.shelves" in staff.extensions and "kb.shelves" not in plain.extensions
        clients = {"without accounts": plain.test_client(), "with accounts": staff.test_client()}
        for client in clients.values():  # warm both: readers, caches, templates
            _cpu_per_request(client, paths[:50])
        times: dict[str, list[float]] = {name: [] for name in clients}
        for _ in range(args.rounds):
            for name, client in clients.items():
                times[name].append(_cpu_per_request(client, paths))
    print(
        f"index {index}; {len(paths)} anonymous /api/search requests per round, {args.rounds} rounds"
    )
    for name, values in times.items():
        print(
            f"{name:>17}: median {statistics.median(values):.2f} ms CPU per request ({', '.join(f'{v:.2f}' for v in values)})"
        )
    ratio = statistics.median(times["with accounts"]) / statistics.median(times["without accounts"])
    print(f"with / without: {ratio:.3f}")


if __name__ == "__main__":
    main()
