"""Faults: `kill -9` during builds, re-indexing under load, damaged index folders, a full disk,
two `kb index` at once, and what the server never does (write, read paths, show tracebacks).

Every process started here runs in its own session; its whole group is killed in a finally block.
bench/faults.py is the long version (every fault point, random delays, a larger corpus).
"""

from __future__ import annotations

import contextlib
import errno
import gc
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from conftest import copy_sources

from cli import main as kb_main
from indexer.build import build_index
from kb.config import load_settings
from kb.engine.snapshot import Snapshot
from kb.errors import IndexCorrupt
from kb.library import Library
from kb.store import Store, check_files

REPO = Path(__file__).resolve().parents[1]
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


def group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes of process group `pgid`, from /proc."""
    members = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            if fields[0] != "Z" and int(fields[2]) == pgid:
                members.append(int(entry))
    return members


def wait_group_gone(pgid: int, seconds: float = 10.0) -> list[int]:
    """Wait until process group `pgid` is empty; returns what is left after `seconds`."""
    deadline = time.monotonic() + seconds
    while (left := group_members(pgid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


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


@pytest.fixture(scope="module")
def faulty(tmp_path_factory, corpus_dir):
    """A small index the kill tests take turns to update (each leaves it whole)."""
    return fresh_index(tmp_path_factory.mktemp("faulty"), corpus_dir)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory, corpus_dir):
    """A small index that is only ever copied, and its answers."""
    settings = fresh_index(tmp_path_factory.mktemp("pristine"), corpus_dir)
    return settings, answers(settings.index_dir)


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


# ---- damaged or missing index folders -------------------------------------------------------


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


# ---- a real `kb serve` --------------------------------------------------------------------------


@contextlib.contextmanager
def serving(settings, workers: int = 2):
    """`kb serve` on a free loopback port; yields the port, stops the server on the way out."""
    args = ["serve", "--host", HOST, "--port", "0", "--workers", str(workers), "--quiet"]
    with started(args, env_for(settings), stdout=subprocess.PIPE, text=True) as proc:
        line = proc.stdout.readline()
        port = int(re.search(r"http://[^:]+:(\d+)/", line)[1])
        try:
            yield port
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)


def get(port: int, path: str, timeout: float = 30) -> tuple[int, dict]:
    """GET `path` on a new connection; (status, JSON body)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def search_path(q: str) -> str:
    return f"/api/search?q={quote(q)}&limit=3"


def until(check, seconds: float, times: int = 6) -> float:
    """Seconds until `check()` held `times` times in a row (new connections reach any worker)."""
    began, streak = time.monotonic(), 0
    while time.monotonic() - began < seconds:
        streak = streak + 1 if check() else 0
        if streak >= times:
            return time.monotonic() - began
        time.sleep(0.05)
    raise AssertionError(f"not true within {seconds}s")


def has_marker(port: int, word: str) -> bool:
    status, body = get(port, search_path(word))
    return status == 200 and any(h["document"]["source"] == MARKER for h in body["hits"])


def test_damaged_index_answers_503_until_kb_index_repairs_it(pristine, tmp_path):
    settings = damaged_copy(pristine, tmp_path, "segment file truncated")
    with serving(settings) as port:
        for path in ("/api/health", search_path("选举法第三十条")):
            status, body = get(port, path)
            assert status == 503 and body["ok"] is False and body["status"] == 503
            assert "is damaged" in body["error"] and "kb index" in body["error"]
        assert "Traceback" not in json.dumps(body) and 'File "' not in json.dumps(body)
        assert run_kb(["index", "--quiet"], env_for(settings)).returncode == 0
        until(lambda: get(port, "/api/health")[0] == 200, 15)
        assert get(port, search_path("选举法第三十条"))[1]["hits"]


def _hammer(port: int, stop: threading.Event, done: list, failures: list) -> None:
    """Keep searching over one keep-alive connection; record every failure."""
    conn, i = http.client.HTTPConnection(HOST, port, timeout=30), 0
    while not stop.is_set():
        path = search_path(QUERIES[i % len(QUERIES)])
        i += 1
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
            if response.status != 200 or not json.loads(body)["hits"]:
                failures.append(f"{response.status} {path}")
            done.append(1)
        except (OSError, http.client.HTTPException) as exc:
            failures.append(f"{type(exc).__name__} {path}")
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=30)
    conn.close()


def test_reindex_under_load_switches_without_a_failed_request(tmp_path, corpus_dir):
    settings = fresh_index(tmp_path, corpus_dir)
    store = Store(settings.index_dir)
    with serving(settings) as port:
        stop, done, failures = threading.Event(), [], []
        clients = [
            threading.Thread(target=_hammer, args=(port, stop, done, failures)) for _ in range(3)
        ]
        for t in clients:
            t.start()
        try:
            time.sleep(1)
            write_marker(settings.corpus_dirs[0], "穿山甲")
            assert run_kb(["index", "--quiet"], env_for(settings)).returncode == 0
            switched = until(lambda: has_marker(port, "穿山甲"), 10)
            assert run_kb(["index", "--rebuild", "--quiet"], env_for(settings)).returncode == 0
            live = store.current_name()
            until(lambda: get(port, "/api/health")[1]["index"]["build"] == live, 10)
            served = len(done)
            time.sleep(1)
        finally:
            stop.set()
            for t in clients:
                t.join(timeout=60)
    assert failures == [] and served > 20 and len(done) > served
    assert switched < 5  # the new build answered within seconds of being published


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


# ---- what the server never does -----------------------------------------------------------------


def _tree(*roots: Path) -> dict[str, tuple[int, int]]:
    """path → (size, mtime) of every file under `roots`."""
    return {
        str(p): (p.stat().st_size, p.stat().st_mtime_ns)
        for root in roots
        for p in root.rglob("*")
        if p.is_file()
    }


def test_routes_only_read_and_take_no_paths(app):
    for rule in app.url_map.iter_rules():
        assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule
        kinds = {type(c).__name__ for c in rule._converters.values()}
        assert kinds <= ({"PathConverter"} if rule.endpoint == "static" else {"UnicodeConverter"})
    assert not app.debug and not app.config["PROPAGATE_EXCEPTIONS"]


TRAVERSALS = [
    "/static/../pyproject.toml",
    "/static/..%2f..%2fpyproject.toml",
    "/static/%2e%2e/%2e%2e/pyproject.toml",
    "/static//etc/passwd",
    "//etc/passwd",
    "/static/..%5c..%5cpyproject.toml",
    "/api/documents/..%2f..%2fmeta.json",
    "/api/passages/%2e%2e%2fCURRENT",
    "/documents/..%2f..%2fCURRENT",
    "/console",
    "/static/kb.css%00.py",
    "/api/cite?ref=../../etc/passwd",
]


def test_real_server_never_writes_reads_paths_or_debugs(pristine, tmp_path):
    settings = damaged_copy(pristine, tmp_path, "CURRENT names a missing build")
    Store(settings.index_dir).publish(Store(pristine[0].index_dir).current_name())  # undamaged
    before = _tree(settings.index_dir, settings.corpus_dirs[0])
    debug = {"FLASK_DEBUG": "1", "KB_DEBUG": "true", "KB_PROPAGATE_EXCEPTIONS": "true"}
    args = ["serve", "--host", HOST, "--port", "0", "--workers", "1", "--quiet"]
    env = env_for(settings) | debug
    with started(args, env, stdout=subprocess.PIPE, text=True) as proc:
        port = int(re.search(r":(\d+)/", proc.stdout.readline())[1])
        for path in TRAVERSALS:
            conn = http.client.HTTPConnection(HOST, port, timeout=30)
            conn.putrequest("GET", path, skip_host=False, skip_accept_encoding=True)
            conn.endheaders()
            response = conn.getresponse()
            body = response.read()
            conn.close()
            location = response.getheader("Location") or ""
            inside = re.match(rf"(http://{HOST}:{port})?/static/etc", location)
            assert response.status in (400, 404) or (response.status == 308 and inside), (
                path,
                response.status,
                location,
            )  # 308: merged slashes, still inside the site
            assert b"[build-system]" not in body and b"root:" not in body
            assert b"Traceback" not in body and b"Werkzeug Debugger" not in body
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            for path in ("/api/search?q=代表", "/api/health", "/", "/static/kb.css"):
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
                conn.request(method, quote(path, safe="/?=&"), body=b'{"q": "x"}')
                assert conn.getresponse().status == 405, (method, path)
                conn.close()
    assert _tree(settings.index_dir, settings.corpus_dirs[0]) == before


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
