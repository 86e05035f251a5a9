"""Faults: damaged, missing or unreadable index folders.

Each damage gives one `error:` line naming `kb index` (never a traceback), and `kb index` repairs
it; a running Library keeps its build when a newer one is damaged. Every test works on a copy of
the session fixture `pristine` (tests/conftest.py).
"""

from __future__ import annotations

import os
import re
import shutil

import pytest

from kb.config import load_settings
from kb.engine.snapshot import Snapshot
from kb.errors import IndexCorrupt
from kb.library import Library
from kb.store import Store
from tests.support.faults import (
    DAMAGE,
    HOST,
    QUERIES,
    _first,
    answers,
    assert_clean,
    damaged_copy,
    env_for,
    kb_cli,
    run_kb,
)

# ---- damaged or missing index folders -------------------------------------------------------


@pytest.mark.parametrize("damage", DAMAGE)
def test_damaged_index_gives_one_line_and_kb_index_repairs_it(pristine, tmp_path, damage):
    settings = damaged_copy(pristine, tmp_path, damage)
    result = kb_cli(settings, "search", "选举法第三十条")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "kb index" in result.stderr and "Traceback" not in result.output
    repair = ["index", "--quiet"] + (["--rebuild"] if "meta" in damage else [])
    assert kb_cli(settings, *repair).exit_code == 0
    assert answers(settings.index_dir) == pristine[1]
    assert_clean(Store(settings.index_dir))


def test_a_running_library_keeps_its_build_when_a_newer_one_is_damaged(
    pristine, tmp_path, monkeypatch
):
    import kb.library

    settings = damaged_copy(pristine, tmp_path, "CURRENT names a missing build")
    store, old = Store(settings.index_dir), Store(pristine[0].index_dir).current_name()
    store.publish(old)
    library = Library(settings.index_dir, recheck_seconds=0)
    assert library.health()["build"] == old
    shutil.copytree(store.builds / old, store.builds / "newer")
    os.truncate(_first(store.builds / "newer", "passages0_*.pst"), 10)
    store.publish("newer")
    opened = []
    monkeypatch.setattr(kb.library, "Snapshot", lambda *a: opened.append(a) or Snapshot(*a))
    for _ in range(5):  # tried once, not on every request
        assert library.health()["build"] == old and len(opened) == 1
    monkeypatch.setattr(kb.library, "RETRY_SECONDS", 0.0)
    assert library.health()["build"] == old and len(opened) == 2
    assert [h.id for h in library.search(QUERIES[0], limit=5).hits] == pristine[1][QUERIES[0]]
    with pytest.raises(IndexCorrupt, match="newer is damaged"):
        Library(settings.index_dir).search(QUERIES[0])  # a new process cannot open it


def test_damage_through_the_real_cli(pristine, tmp_path):
    settings = damaged_copy(pristine, tmp_path, "segment file truncated")
    done = run_kb(["search", "选举法第三十条"], env_for(settings))
    assert done.returncode == 1 and done.stdout == "" and "Traceback" not in done.stderr
    assert re.fullmatch(
        r"error: index build \S+ is damaged \(passages1_\w+\.trm: 100 bytes "
        r"instead of \d+\): run `kb index` to repair it\n",
        done.stderr,
    )
    not_a_folder = load_settings({}, corpus_dirs=settings.corpus_dirs, index_dir=tmp_path / "file")
    (tmp_path / "file").write_text("not an index", encoding="utf-8")
    for args in (["search", "代表"], ["index", "--quiet"]):
        done = run_kb(args, env_for(not_a_folder))
        assert done.returncode == 1 and done.stderr.count("\n") == 1, done.stderr
        assert done.stderr.startswith("error: ") and "Traceback" not in done.stderr


def _permissions_apply() -> tuple[str, ...]:
    """A command prefix under which file permissions apply (root gives up its override)."""
    if os.geteuid() != 0:
        return ()
    if not shutil.which("setpriv"):
        pytest.skip("root without setpriv reads any folder")
    caps = "-dac_override,-dac_read_search"
    return ("setpriv", f"--bounding-set={caps}", f"--inh-caps={caps}")


def test_unreadable_index_folder(pristine, tmp_path):
    prefix = _permissions_apply()
    settings = damaged_copy(pristine, tmp_path, "CURRENT names a missing build")
    Store(settings.index_dir).publish(Store(pristine[0].index_dir).current_name())  # undamaged
    settings.index_dir.chmod(0)
    try:
        expected = {
            ("search", "代表"): f"cannot read {settings.index_dir}/CURRENT",
            ("index", "--quiet"): f"cannot use the index folder {settings.index_dir}",
            ("serve", "--host", HOST, "--port", "0", "--quiet"):  # it tries to build one
            f"cannot use the index folder {settings.index_dir}",
        }
        for args, message in expected.items():
            done = run_kb(list(args), env_for(settings), timeout=60, prefix=prefix)
            last = done.stderr.splitlines(keepends=True)[-1]
            assert (done.returncode, last) == (1, f"error: {message}: Permission denied\n")
            assert "Traceback" not in done.stderr and (args[0] == "serve" or last == done.stderr)
    finally:
        settings.index_dir.chmod(0o755)
    assert answers(settings.index_dir) == pristine[1]
