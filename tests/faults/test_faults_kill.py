"""Faults: `kill -9` of `kb index` at each fault point (indexer/faults.py), full and incremental,
and a shard writer that dies mid-build.

Each kill leaves the live index answering as before, and the next `kb index` completes and cleans
up. The tests take turns on one small index, the session fixture `faulty` (tests/conftest.py).
"""

from __future__ import annotations

import signal

import pytest

from indexer.build import build_index
from kb.store import Store
from tests.support.faults import (
    WORDS,
    answers,
    assert_clean,
    env_for,
    finds,
    run_kb,
    started,
    write_marker,
)
from tests.support.proctree import wait_group_gone

# ---- kill -9 during `kb index` ----------------------------------------------------------------

KILLS = [
    ("full", "scanned"),
    ("full", "shard-mid"),
    ("full", "shard-commit"),
    ("full", "documents-written"),
    ("full", "meta-written"),
    ("full", "publish-tmp"),
    ("incremental", "cloned-mid"),
    ("incremental", "deleted"),
    ("incremental", "shard-mid"),
    ("incremental", "published"),
]


@pytest.mark.parametrize("mode, point", KILLS)
def test_kill_9_keeps_the_live_index_and_the_next_run_completes(faulty, mode, point):
    settings, store = faulty, Store(faulty.index_dir)
    live, before = store.current_name(), answers(settings.index_dir)
    old_word, word = WORDS[KILLS.index((mode, point))], WORDS[KILLS.index((mode, point)) + 1]
    write_marker(settings.corpus_dirs[0], word)
    args = ["index", "--quiet"] + (["--rebuild"] if mode == "full" else [])
    with started(args, env_for(settings, KB_FAULT_POINT=point)) as proc:
        assert proc.wait(timeout=120) == -signal.SIGKILL
        assert wait_group_gone(proc.pid) == [], "shard writers outlived the killed kb index"
    if store.current_name() == live:  # killed before the swap: the old build answers as before
        assert answers(settings.index_dir) == before and not finds(settings.index_dir, word)
    else:  # killed after it: the new build is whole
        assert point == "published" and finds(settings.index_dir, word)
    leftovers = {p.name for p in store.builds.iterdir() if not (p / "meta.json").is_file()}
    build_index(settings)
    assert finds(settings.index_dir, word) and not finds(settings.index_dir, old_word)
    assert answers(settings.index_dir) == before
    assert not leftovers & {p.name for p in store.builds.iterdir()}
    assert_clean(store)


def test_a_killed_shard_writer_fails_the_build_at_once(faulty):
    settings, store = faulty, Store(faulty.index_dir)
    live, before = store.current_name(), answers(settings.index_dir)
    crash = env_for(settings, KB_FAULT_POINT="shard-crash")
    done = run_kb(["index", "--rebuild", "--quiet"], crash)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "shard writer" in done.stderr and "previous index is unchanged" in done.stderr
    assert store.current_name() == live and answers(settings.index_dir) == before
    assert_clean(store)
