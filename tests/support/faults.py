"""Shared helpers for the fault tests (tests/faults/): a small corpus with a marker law,
`kb` subprocesses, process-group checks, damaged copies of an index.

Every process started here runs in its own session; its whole group is killed in a finally block.
bench/faults.py is the long version (every fault point, random delays, a larger corpus).
The indexes the tests share (`faulty`, `pristine`) are session fixtures in tests/conftest.py.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from cli import main as kb_main
from indexer.build import build_index
from kb.config import load_settings
from kb.library import Library
from kb.store import Store, check_files
from tests.support.sources import copy_sources

REPO = Path(__file__).resolve().parents[2]
SOURCES = (
    "法律/宪法相关法/全国人民代表大会和地方各级人民代表大会选举法(2020-10-17).md",
    "法律/宪法相关法/各级人民代表大会常务委员会监督法(2024-11-08).md",
    "地方性法规/浙江/浙江省组织实施宪法宣誓制度办法(2015-07-30).md",
    "司法解释/最高人民法院关于海事诉讼管辖问题的规定(2016-02-24).md",
)
QUERIES = ("选举法第三十条", "监督法第九条", "宪法宣誓", "海事诉讼管辖")
MARKER = "法律/测试/标记法.md"  # rewritten with a new marker word by each change
WORDS = ("穿山甲", "猞猁", "犰狳", "鸬鹚", "蝾螈", "鼯鼠", "鹈鹕", "蛞蝓", "貔貅", "狻猊", "饕餮")
HOST = "127.0.0.1"


# ---- helpers ----------------------------------------------------------------------------------


def write_marker(corpus: Path, word: str) -> None:
    """(Re)write the marker law, whose first article holds `word`."""
    path = corpus / MARKER
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"# 中华人民共和国标记法\n\n第一条 本法规定{word}事项。\n\n第二条 本法自公布之日起施行。\n",
        encoding="utf-8",
    )


def answers(index_dir: Path) -> dict[str, list[str]]:
    """Hit ids of the top five for each of QUERIES."""
    lib = Library(index_dir)
    return {q: [h.id for h in lib.search(q, limit=5).hits] for q in QUERIES}


def finds(index_dir: Path, word: str) -> bool:
    """Whether the marker law is the answer to `word`."""
    return any(h.document.source == MARKER for h in Library(index_dir).search(word, limit=3).hits)


def env_for(settings, **extra: str) -> dict[str, str]:
    """The environment of a `kb` subprocess on `settings`."""
    env = {k: v for k, v in os.environ.items() if k != "KB_FAULT_POINT"}
    return (
        env
        | {"KB_CORPUS_DIR": str(settings.corpus_dirs[0]), "KB_INDEX_DIR": str(settings.index_dir)}
        | extra
    )


@contextlib.contextmanager
def started(args: list[str], env: dict, prefix: tuple[str, ...] = (), **kw):
    """`kb ARGS` in a new session; the whole process group is killed on the way out."""
    proc = subprocess.Popen(
        [*prefix, sys.executable, "-m", "cli", *args],
        cwd=REPO,
        env=env,
        start_new_session=True,
        **kw,
    )
    try:
        yield proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()


def run_kb(
    args: list[str], env: dict, timeout: float = 120, prefix: tuple[str, ...] = ()
) -> subprocess.CompletedProcess:
    """Run `kb ARGS` to completion; (returncode, stdout, stderr)."""
    with started(
        args, env, prefix, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as proc:
        out, err = proc.communicate(timeout=timeout)
    return subprocess.CompletedProcess(args, proc.returncode, out, err)


def assert_clean(store: Store) -> None:
    """Only finished builds remain (live plus at most two), no half-written CURRENT."""
    builds = sorted(p.name for p in store.builds.iterdir())
    assert all((store.builds / b / "meta.json").is_file() for b in builds), builds
    assert len(builds) <= 3 and store.current_name() in builds
    assert not list(store.root.glob(".CURRENT.*"))
    check_files(store.current(), store.meta())


def fresh_index(tmp_path: Path, corpus_dir: Path, word: str = "麒麟"):
    """Settings for a new small corpus (with the marker law) and its index, built."""
    corpus = copy_sources(corpus_dir, tmp_path / "corpus", SOURCES)
    write_marker(corpus, word)
    settings = load_settings({}, corpus_dirs=(corpus,), index_dir=tmp_path / "index")
    build_index(settings, procs=2)
    return settings


# ---- damaged copies of an index -------------------------------------------------------------


def _first(build: Path, pattern: str) -> Path:
    return sorted(build.glob(pattern))[0]


def _scribble(path: Path) -> None:
    """Overwrite bytes in the middle of a file, keeping its size."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = bytes(range(64))
    path.write_bytes(bytes(data))


DAMAGE = {
    "CURRENT names a missing build": lambda b: (b.parents[1] / "CURRENT").write_text("gone\n"),
    "CURRENT is garbage": lambda b: (b.parents[1] / "CURRENT").write_bytes(b"../\xff\xfe"),
    "build folder deleted": lambda b: shutil.rmtree(b),
    "segment file deleted": lambda b: _first(b, "passages0_*.pst").unlink(),
    "segment file truncated": lambda b: os.truncate(_first(b, "passages1_*.trm"), 100),
    "garbage TOC": lambda b: _first(b, "_passages0_*.toc").write_bytes(b"garbage"),
    "same-size garbage in a segment": lambda b: _scribble(_first(b, "documents_*.trm")),
    "meta.json garbage": lambda b: (b / "meta.json").write_text("{oops", encoding="utf-8"),
    "meta.json missing": lambda b: (b / "meta.json").unlink(),
}


def damaged_copy(pristine, tmp_path: Path, damage: str):
    """A copy of the pristine index with `damage` done to its live build."""
    settings, _ = pristine
    index_dir = tmp_path / "index"
    shutil.copytree(settings.index_dir, index_dir)
    DAMAGE[damage](Store(index_dir).builds / Store(index_dir).current_name())
    return load_settings({}, corpus_dirs=settings.corpus_dirs, index_dir=index_dir)


def kb_cli(settings, *args: str):
    """`kb ARGS` in this process (click's runner) on `settings`."""
    runner = CliRunner(
        env={"KB_INDEX_DIR": str(settings.index_dir), "KB_CORPUS_DIR": str(settings.corpus_dirs[0])}
    )
    return runner.invoke(kb_main, list(args))
