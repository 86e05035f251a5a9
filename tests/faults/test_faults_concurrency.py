"""Faults: two at once. A second `kb index` refuses (or waits with --wait) while the first holds
the lock, and two threads reading text and heading postings never get each other's data.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time

from kb.engine.snapshot import Snapshot
from kb.store import Store
from tests.support.faults import answers, assert_clean, damaged_copy, env_for, run_kb, started

# ---- two `kb index` at once ----------------------------------------------------------------------


def test_second_kb_index_refuses_or_waits_and_nothing_is_damaged(pristine, tmp_path):
    settings = damaged_copy(pristine, tmp_path, "meta.json garbage")  # the first run rebuilds
    store, env = Store(settings.index_dir), env_for(pristine[0])
    env["KB_INDEX_DIR"] = str(settings.index_dir)
    with started(["index", "--quiet"], env, stdout=subprocess.DEVNULL) as first:
        deadline = time.monotonic() + 60
        while not store.lockfile.exists() or store.lockfile.read_text() != str(first.pid):
            assert time.monotonic() < deadline and first.poll() is None
            time.sleep(0.02)
        os.killpg(first.pid, signal.SIGSTOP)  # holds the lock until continued
        try:
            refused = run_kb(["index", "--quiet"], env)
            assert refused.returncode == 2 and "Traceback" not in refused.stderr
            assert refused.stderr == (
                f"error: another `kb index` (pid {first.pid}) is updating "
                f"{settings.index_dir}; wait for it to finish or use "
                "--wait SECONDS\n"
            )
            with started(
                ["index", "--quiet", "--wait", "60"], env, stdout=subprocess.PIPE, text=True
            ) as waiting:
                time.sleep(1.5)
                assert waiting.poll() is None  # still waiting for the lock
                os.killpg(first.pid, signal.SIGCONT)
                out, _ = waiting.communicate(timeout=60)
                assert waiting.returncode == 0 and out.startswith("unchanged build")
        finally:
            os.killpg(first.pid, signal.SIGCONT)
        assert first.wait(timeout=60) == 0
    assert answers(settings.index_dir) == pristine[1]
    assert_clean(store)


# ---- two threads reading postings at once ------------------------------------------------------


def test_text_and_heading_postings_read_at_once_by_two_threads(pristine):
    snap = Snapshot(Store(pristine[0].index_dir).current())
    fields = {}
    for fp in (snap.text, snap.heading):
        terms = [t.decode() for _f, t in fp.reader.most_frequent_terms(fp.field, 200)]
        fields[fp] = {t: fp.get(t)[0].tolist() for t in terms}
        fp._cache.clear()
        fp._size, fp._max = 0, 1  # nothing stays cached: every get reads the index
    errors: list[str] = []

    def read(fp, expected: dict) -> None:
        end = time.monotonic() + 1.5
        while time.monotonic() < end:
            for term, ids in expected.items():
                try:
                    if fp.get(term)[0].tolist() != ids:
                        errors.append(f"{fp.field} {term}: other postings")
                except Exception as exc:  # noqa: BLE001 - a garbled read fails in many ways
                    errors.append(f"{fp.field} {term}: {type(exc).__name__}")

    threads = [threading.Thread(target=read, args=item) for item in fields.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    snap.close()
    assert errors == []
