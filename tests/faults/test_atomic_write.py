"""kb.store.write_atomic, the one way kb replaces a file: whole or not at all, and durable.

Durability is read from the system calls a real child process makes (strace), not from a
mocked os: the file is fsynced before the rename, the folder after it.
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kb.store import write_atomic


def _visible(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def test_the_new_content_replaces_the_old_and_no_temp_file_stays(tmp_path):
    target = tmp_path / "state.json"
    write_atomic(target, "旧")
    seen = []
    write_atomic(target, b"new", before_rename=lambda: seen.append(target.read_text("utf-8")))
    assert seen == ["旧"]  # the temp file is complete before the old file is touched
    assert target.read_bytes() == b"new"
    write_atomic(target, lambda f: f.write(b"streamed"))
    assert target.read_bytes() == b"streamed"
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_a_failed_write_leaves_the_old_file_whole(tmp_path):
    target = tmp_path / "state.json"
    write_atomic(target, "old")

    def half(f):
        f.write(b"ne")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        write_atomic(target, half)
    assert target.read_text("utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]

    with pytest.raises(OSError):
        write_atomic(tmp_path / "never.json", half)
    assert not (tmp_path / "never.json").exists()


def test_a_writer_killed_mid_write_leaves_the_file_absent_or_old(tmp_path):
    script = textwrap.dedent(
        """
        import os, signal, sys
        from pathlib import Path
        from kb.store import write_atomic

        def killed(f):
            f.write(b"half of it")
            f.flush()
            os.kill(os.getpid(), signal.SIGKILL)

        write_atomic(Path(sys.argv[1]), killed)
        """
    )
    for target in (tmp_path / "new.json", tmp_path / "old.json"):
        if target.name == "old.json":
            write_atomic(target, "old")
        done = subprocess.run([sys.executable, "-c", script, str(target)], check=False)
        assert done.returncode == -signal.SIGKILL
    assert _visible(tmp_path) == ["old.json"]  # new.json absent, the temp file hidden
    assert (tmp_path / "old.json").read_text("utf-8") == "old"


def _syscalls(script: str, *args: str) -> list[str]:
    """fsync and rename calls of a child running `script` (paths shown for descriptors)."""
    if shutil.which("strace") is None:
        pytest.skip("strace is not installed")
    done = subprocess.run(
        ["strace", "-f", "-y", "-e", "trace=fsync,fdatasync,rename,renameat,renameat2"]
        + [sys.executable, "-c", textwrap.dedent(script), *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 and "ptrace" in done.stderr:
        pytest.skip("strace may not trace here: " + done.stderr.strip()[-200:])
    assert done.returncode == 0, done.stderr
    calls = (re.sub(r"^\[pid\s+\d+\]\s*", "", ln) for ln in done.stderr.splitlines())
    return [c for c in calls if re.match(r"(fsync|rename\w*)\(", c)]


def _durable(calls: list[str], folder: Path, name: str) -> None:
    """`name` in `folder` was fsynced as a temp file, renamed into place, then the folder synced."""
    renamed = next(i for i, c in enumerate(calls) if "rename" in c and f'/{name}"' in c)
    temp = re.search(r'rename\w*\([^"]*"([^"]+)"', calls[renamed]).group(1)
    assert any(c.startswith("fsync(") and f"<{temp}>" in c for c in calls[:renamed]), (
        f"{temp} not fsynced before the rename: {calls}"
    )
    assert any(c.startswith("fsync(") and f"<{folder}>" in c for c in calls[renamed + 1 :]), (
        f"{folder} not fsynced after {name} was renamed into it: {calls}"
    )


def test_the_file_and_its_folder_entry_are_made_durable(tmp_path):
    calls = _syscalls(
        """
        import sys
        from pathlib import Path
        from kb.store import write_atomic
        write_atomic(Path(sys.argv[1]) / "CURRENT", "build\\n")
        """,
        str(tmp_path),
    )
    _durable(calls, tmp_path, "CURRENT")


def test_every_vector_file_and_the_completion_mark_are_durable(tmp_path):
    """The .json written last says a build's vectors are complete: it was never fsynced."""
    calls = _syscalls(
        """
        import sys
        from pathlib import Path
        import numpy as np
        from kb.semantic.vectors import write_build_vectors, write_progress
        build = Path(sys.argv[1])
        vectors = np.ones((3, 4), np.float32)
        write_build_vectors(build, "tag", vectors, np.array([True, True, False]), {})
        write_progress(build, "tag", build.name, 2, 1, 3)
        """,
        str(tmp_path),
    )
    for name in ("vectors-tag.i8.npy", "vectors-tag.scale.npy", "vectors-tag.json"):
        _durable(calls, tmp_path, name)
    _durable(calls, tmp_path / "vectors" / "tag", "progress.json")
