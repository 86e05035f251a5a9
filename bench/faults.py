"""Long fault run: kill -9 `kb index` at every fault point and at random moments, then check.

    .venv/bin/python bench/faults.py [--files 300] [--random 12] [--seed 1] [--keep]

Copies --files documents of ../shared/corpus into a temporary folder, builds their index, then
for every fault point of indexer/faults.py (full rebuilds and incremental updates) and for
--random kills after a random delay, runs `kb index` and kills it. After each kill it checks that
the shard writers are gone, that the previous build still answers the same queries with the same
hits (or, when killed after the swap, that the new build is whole), that the next `kb index`
completes with the change indexed, and that no unfinished build is left. Prints one line per
kill and a summary; exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kb.config import DEFAULT_CORPUS, load_settings
from kb.library import Library
from kb.store import Store, check_files

REPO = Path(__file__).resolve().parents[1]
QUERIES = (
    "人民代表大会代表的权利",
    "劳动合同解除",
    "行政处罚的程序",
    "环境保护",
    "选举",
    "监督",
    "第三条",
    "国务院规定",
)
MARKER = "测试/标记法.md"
FULL = (
    "locked",
    "scanned",
    "shard-mid",
    "shard-commit",
    "shards-written",
    "documents-written",
    "meta-written",
    "publish-tmp",
    "published",
)
INCREMENTAL = (
    "locked",
    "scanned",
    "cloned-mid",
    "cloned",
    "deleted",
    "shard-mid",
    "shard-commit",
    "documents-written",
    "meta-written",
    "publish-tmp",
    "published",
)


class Run:
    """The corpus copy, its index and the checks made after every kill."""

    def __init__(self, root: Path, files: int, seed: int):
        sources = sorted(p for p in DEFAULT_CORPUS.rglob("*") if p.is_file())
        for src in random.Random(seed).sample(sources, min(files, len(sources))):
            dest = root / "corpus" / src.relative_to(DEFAULT_CORPUS)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest)
        self.settings = load_settings({}, corpus_dirs=(root / "corpus",), index_dir=root / "index")
        self.store = Store(self.settings.index_dir)
        self.outcomes: list[str] = []  # old live | new live | finished, per kill
        self.env = {k: v for k, v in os.environ.items() if k != "KB_FAULT_POINT"}
        self.env |= {"KB_CORPUS_DIR": str(root / "corpus"), "KB_INDEX_DIR": str(root / "index")}
        # three rare characters (CJK extension A) per marker word, none shared between words
        self.words = iter("".join(chr(0x3400 + 3 * i + k) for k in range(3)) for i in range(2000))
        self.word = self.mark()
        self.full_s, _ = self.timed_index("--rebuild")
        self.word = self.mark()
        self.update_s, _ = self.timed_index()
        self.before = self.answers()

    def mark(self) -> str:
        """Rewrite the marker law with a new word; returns the word."""
        word = next(self.words)
        path = self.settings.corpus_dirs[0] / MARKER
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# 标记法\n\n第一条 本法规定{word}事项。\n", encoding="utf-8")
        return word

    def answers(self) -> dict[str, list[str]]:
        lib = Library(self.settings.index_dir)
        return {q: [h.id for h in lib.search(q, limit=10).hits] for q in QUERIES}

    def finds(self, word: str) -> bool:
        hits = Library(self.settings.index_dir).search(word, limit=3).hits
        return any(h.document.source == MARKER for h in hits)

    def start(self, *args: str, fault: str | None = None) -> subprocess.Popen:
        env = self.env | ({"KB_FAULT_POINT": fault} if fault else {})
        return subprocess.Popen(
            [sys.executable, "-m", "cli", "index", "--quiet", *args],
            cwd=REPO,
            env=env,
            start_new_session=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    def timed_index(self, *args: str) -> tuple[float, str]:
        """Run `kb index ARGS` to completion: (seconds, full | incremental | unchanged)."""
        began = time.monotonic()
        proc = self.start(*args)
        out, err = proc.communicate(timeout=1800)
        if proc.returncode:
            raise RuntimeError(f"kb index {' '.join(args)} failed: {err.decode()}")
        return time.monotonic() - began, out.decode().split(" ", 1)[0]

    def kill(
        self, args: list[str], fault: str | None, delay: float | None
    ) -> tuple[int, float, int]:
        """`kb index ARGS` SIGKILLed at `fault` or after `delay` s: status, exit s, orphans."""
        proc = self.start(*args, fault=fault)
        try:
            if delay is not None:
                try:
                    proc.wait(timeout=delay)
                except subprocess.TimeoutExpired:
                    os.kill(proc.pid, signal.SIGKILL)  # the parent only, as `kill -9 PID` does
            code = proc.wait(timeout=1800)
            killed = time.monotonic()
            while group_members(proc.pid) and time.monotonic() - killed < 30:
                time.sleep(0.05)
            return code, time.monotonic() - killed, len(group_members(proc.pid))
        finally:
            if group_members(proc.pid):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.stdout.close()
            proc.stderr.close()

    def scenario(self, mode: str, fault: str | None, delay: float | None) -> list[str]:
        """One kill and the checks after it; returns the problems found."""
        live, old_word, word = self.store.current_name(), self.word, self.mark()
        args = ["--rebuild"] if mode == "full" else []
        code, gone, orphans = self.kill(args, fault, delay)
        problems = [f"{orphans} workers still running after 30s"] if orphans else []
        swapped = self.store.current_name() != live
        if code not in (-signal.SIGKILL, 0):
            problems.append(f"exit status {code}")
        if not swapped and (self.answers() != self.before or self.finds(word)):
            problems.append("the old build answers differently")
        if swapped and not (self.finds(word) and self.answers() == self.before):
            problems.append("the new build is not whole")
        seconds, next_mode = self.timed_index()
        self.word = word
        if not self.finds(word) or self.finds(old_word) or self.answers() != self.before:
            problems.append("the next kb index gave wrong answers")
        unfinished = [
            p.name for p in self.store.builds.iterdir() if not (p / "meta.json").is_file()
        ]
        problems += [f"unfinished build {name} left" for name in unfinished]
        check_files(self.store.current(), self.store.meta())
        where = fault or f"after {delay:.2f}s"
        state = "finished" if code == 0 else ("new live" if swapped else "old live")
        print(
            f"{mode:<12} {where:<18} {state:<9} workers gone {gone:5.2f}s  next kb index "
            f"{next_mode:<11} {seconds:5.1f}s  {'; '.join(problems) or 'ok'}",
            flush=True,
        )
        self.outcomes.append(state)
        return problems


def group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes of process group `pgid`."""
    found = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            found.append(int(entry))
    return found


def main() -> int:
    """Build the copy, kill `kb index` everywhere, print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=300, help="documents copied from the corpus")
    ap.add_argument("--random", type=int, default=12, help="kills after random delays")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="kb-faults-"))
    try:
        run = Run(root, args.files, args.seed)
        print(
            f"{args.files} files in {root}; `kb index --rebuild` takes {run.full_s:.1f}s, "
            f"an update {run.update_s:.1f}s",
            flush=True,
        )
        problems = [p for point in FULL for p in run.scenario("full", point, None)]
        problems += [p for point in INCREMENTAL for p in run.scenario("incremental", point, None)]
        rng = random.Random(args.seed)
        for i in range(args.random):
            mode = "full" if i % 2 == 0 else "incremental"
            delay = rng.uniform(0.3, 0.9 * (run.full_s if mode == "full" else run.update_s))
            problems += run.scenario(mode, None, delay)
        counts = {s: run.outcomes.count(s) for s in ("old live", "new live", "finished")}
        print(
            f"{len(run.outcomes)} runs of kb index ({len(FULL) + len(INCREMENTAL)} fault points, "
            f"{args.random} random moments): killed before the swap {counts['old live']}, "
            f"after it {counts['new live']}, finished first {counts['finished']}; "
            f"{len(problems)} problems"
        )
        return 1 if problems else 0
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
