"""Index builds: incremental updates, bad files, a killed build, the lock, automatic rebuilds."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from indexer.build import build_index
from indexer.lock import index_lock
from kb.config import load_settings
from kb.errors import IndexBusy
from kb.library import Library
from kb.store import Store
from tests.support.sources import copy_sources

SOURCES = (
    "法律/宪法相关法/全国人民代表大会和地方各级人民代表大会选举法(2020-10-17).md",
    "法律/宪法相关法/各级人民代表大会常务委员会监督法(2024-11-08).md",
    "地方性法规/浙江/浙江省组织实施宪法宣誓制度办法(2015-07-30).md",
)
MARK = "第九百九十九条 本条为测试新增的唯一标记文字甲乙丙。"


@pytest.fixture()
def setup(tmp_path, corpus_dir):
    corpus = copy_sources(corpus_dir, tmp_path / "corpus", SOURCES)
    settings = load_settings({}, corpus_dirs=(corpus,), index_dir=tmp_path / "index")
    build_index(settings, procs=2)
    return settings, corpus


def ids(settings, q):
    return [h.id for h in Library(settings.index_dir).search(q, limit=5).hits]


def test_no_change_is_quick_and_unchanged(setup):
    settings, _ = setup
    stats = build_index(settings)
    assert stats.mode == "unchanged" and stats.seconds < 5


def test_incremental_add_change_remove(setup, corpus_dir):
    settings, corpus = setup
    changed = corpus / SOURCES[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n" + MARK + "\n", encoding="utf-8")
    (corpus / SOURCES[2]).unlink()
    copy_sources(corpus_dir, corpus, ("法律/宪法/宪法.md",))
    stats = build_index(settings)
    assert (stats.mode, stats.changed, stats.added, stats.removed) == ("incremental", 1, 1, 1)
    lib = Library(settings.index_dir)
    assert lib.search("甲乙丙", limit=1).hits[0].article == 999
    assert lib.search("《宪法》第三条").hits[0].matched == "citation"
    assert not [h for h in lib.search("宪法宣誓", limit=50).hits if "浙江" in h.document.title]
    assert build_index(settings).mode == "unchanged"


def test_changed_file_that_breaks_keeps_its_indexed_version(setup):
    settings, corpus = setup
    before = ids(settings, "监督法第九条")
    (corpus / SOURCES[1]).write_bytes(b"\x00\x01binary junk\xff" * 100)
    stats = build_index(settings)
    assert any(s.source == SOURCES[1] for s in stats.skipped)
    assert ids(settings, "监督法第九条") == before


def test_bad_files_are_reported_and_the_rest_indexed(setup):
    settings, corpus = setup
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "junk.txt").write_bytes(os.urandom(4096))
    stats = build_index(settings)
    assert {s.source for s in stats.skipped} >= {"empty.txt", "junk.txt"}
    assert ids(settings, "选举法第三十条")


def test_rebuild_when_the_analysis_changes(setup):
    settings, _ = setup
    store = Store(settings.index_dir)
    meta_path = store.current() / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["analyzer"] = "something-else"
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    assert build_index(settings).mode == "full"


def test_second_indexer_is_refused(setup):
    settings, _ = setup
    with index_lock(Store(settings.index_dir).lockfile):
        with pytest.raises(IndexBusy, match="another `kb index`"):
            build_index(settings)


def test_killed_build_leaves_the_old_index_searchable(setup, corpus_dir):
    settings, corpus = setup
    copy_sources(
        corpus_dir,
        corpus,
        ("法律/民法典/合同编.md", "法律/民法典/物权编.md", "法律/民法典/总则.md"),
    )
    before = ids(settings, "选举法第三十条")
    store = Store(settings.index_dir)
    live = store.current_name()
    env = dict(os.environ, KB_CORPUS_DIR=str(corpus), KB_INDEX_DIR=str(settings.index_dir))
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", "index", "--rebuild", "--quiet"],
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(store.builds.iterdir())) < 2:
        time.sleep(0.05)
    time.sleep(0.3)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert store.current_name() == live
    assert ids(settings, "选举法第三十条") == before
    assert build_index(settings).mode in ("incremental", "full")
    assert ids(settings, "选举法第三十条")
