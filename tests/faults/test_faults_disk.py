"""Faults: a full disk during `kb index`, simulated (Whoosh's writes raise ENOSPC) and real (a
small tmpfs, root only). The old index stays live and the error names the cause.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import shutil
import subprocess
import warnings
from pathlib import Path

import pytest

from kb.config import load_settings
from kb.store import Store
from tests.support.faults import answers, env_for, finds, fresh_index, kb_cli, run_kb, write_marker

# ---- a full disk --------------------------------------------------------------------------------


def _fail_writes_after(monkeypatch, limit: int) -> None:
    """Whoosh's files raise ENOSPC once `limit` bytes have been written in this process."""
    from whoosh.filedb.filestore import FileStorage

    written, create = [0], FileStorage.create_file

    class Full:
        def __init__(self, f):
            self._f = f

        def write(self, data):
            written[0] += len(data)
            if written[0] > limit:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), getattr(self._f, "name", ""))
            return self._f.write(data)

        def __getattr__(self, name):
            return getattr(self._f, name)

    def create_file(self, name, *args, **kwargs):
        f = create(self, name, *args, **kwargs)
        f.file = Full(f.file)
        return f

    monkeypatch.setattr(FileStorage, "create_file", create_file)


@pytest.mark.parametrize("rebuild", [True, False])
def test_full_disk_keeps_the_old_index_and_names_the_cause(
    tmp_path, corpus_dir, monkeypatch, rebuild
):
    settings = fresh_index(tmp_path, corpus_dir)
    store = Store(settings.index_dir)
    live, before = store.current_name(), answers(settings.index_dir)
    write_marker(settings.corpus_dirs[0], "猞猁")
    _fail_writes_after(monkeypatch, 20_000)
    result = kb_cli(settings, "index", "--quiet", *(["--rebuild"] if rebuild else []))
    code, output, stderr = result.exit_code, result.output, result.stderr
    del result  # its traceback holds the files Whoosh was writing: close them here
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
    assert code == 1 and "Traceback" not in output
    assert "No space left on device" in stderr and "previous index is unchanged" in stderr
    assert store.current_name() == live and answers(settings.index_dir) == before
    assert [p.name for p in store.builds.iterdir()] == [live]
    monkeypatch.undo()
    assert kb_cli(settings, "index", "--quiet").exit_code == 0
    assert finds(settings.index_dir, "猞猁")


@contextlib.contextmanager
def tmpfs(path: Path, size: str):
    """A size-limited tmpfs at `path` (root only); skips the test where it cannot be mounted."""
    path.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True
    )
    if mounted.returncode:
        pytest.skip(f"cannot mount a tmpfs: {mounted.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("mount"), reason="mounting needs root")
def test_really_full_disk(tmp_path, corpus_dir, pristine):
    with tmpfs(tmp_path / "disk", "4m") as disk:
        shutil.copytree(pristine[0].index_dir, disk / "index")
        settings = load_settings({}, corpus_dirs=pristine[0].corpus_dirs, index_dir=disk / "index")
        store = Store(settings.index_dir)
        live = store.current_name()
        free = shutil.disk_usage(disk).free
        (disk / "filler").write_bytes(b"\0" * (free - 300_000))  # room for a small part of a build
        done = run_kb(["index", "--rebuild", "--quiet"], env_for(settings))
        assert done.returncode == 1 and "Traceback" not in done.stderr
        assert "No space left on device" in done.stderr and "unchanged" in done.stderr
        assert store.current_name() == live and answers(settings.index_dir) == pristine[1]
        assert [p.name for p in store.builds.iterdir()] == [live]
        (disk / "filler").unlink()
        assert run_kb(["index", "--rebuild", "--quiet"], env_for(settings)).returncode == 0
        assert store.current_name() != live and answers(settings.index_dir) == pristine[1]
