"""Load test: start `kb serve` on a free loopback port and drive /api/search at rising concurrency.

    .venv/bin/python -m bench.load [--levels 1,4,16] [--seconds 20] [--workers 2] [--threads 8]
                                   [--repo PATH]

Uses the configured index (KB_INDEX_DIR, else kb.config's default) and a mix of the queries in
../shared/eval: long questions, short words, citations, and filtered searches (kind, as_of,
versions=all). Prints requests/s, latency percentiles, errors, server CPU (in all, and per answer:
on a shared machine the CPU a version needs per answer is steadier than what it gets), total RSS
and PSS (resident memory with pages shared between the server's processes counted once) per
level, and the CPU this client and everything else on the machine used meanwhile (100% = one
core), with the load average at the level's end.
--repo drives the `kb serve` of another checkout (two versions measured by the same client).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from kb.config import DEFAULT_CORPUS, load_settings
from kb.search.evaluation import latency_summary

EVAL_DIR = DEFAULT_CORPUS.parent / "eval"
HOST = "127.0.0.1"  # loopback only
REPO = Path(__file__).resolve().parents[1]


def query_mix(seed: int = 7) -> list[str]:
    """Request paths: questions, short queries, citations and filtered searches, shuffled."""
    rows = [
        json.loads(line)
        for name in ("domain-dev.jsonl", "stard-train.jsonl")
        for line in (EVAL_DIR / name).read_text(encoding="utf-8").splitlines()
        if line
    ]
    rng = random.Random(seed)
    questions = [r["query"] for r in rows if len(r["query"]) > 12]
    short = [r["query"] for r in rows if len(r["query"]) <= 12 and r.get("kind") != "citation"]
    cites = [r["query"] for r in rows if r.get("kind") == "citation"]
    dated = [(r["query"], r["as_of"]) for r in rows if r.get("as_of")]
    paths = [_path(q=q) for q in rng.sample(questions, min(200, len(questions)))]
    paths += [_path(q=q) for q in short] + [_path(q=q) for q in cites] * 3
    paths += [_path(q=q, kind="法律") for q in rng.sample(questions, 40)]
    paths += [_path(q=q, versions="all") for q in rng.sample(questions, 40)]
    paths += [_path(q=q, as_of=d) for q, d in dated] * 3
    paths += [_path(q=q, as_of="2020-01-01") for q in rng.sample(questions, 20)]
    rng.shuffle(paths)
    return paths


def _path(**params: str) -> str:
    return "/api/search?" + urlencode(params)


@dataclass
class Tally:
    """What the clients saw, shared between them (appends are atomic under the GIL)."""

    done: list[tuple[float, float]] = field(default_factory=list)  # (finished at, seconds)
    errors: list[tuple[float, str]] = field(default_factory=list)
    budget: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self) -> bool:
        """One request from the budget; False when it is spent."""
        with self.lock:
            self.budget -= 1
            return self.budget >= 0


def client(port: int, paths: list[str], start: int, deadline: float, tally: Tally) -> None:
    """One keep-alive connection sending requests until the deadline or the budget is spent."""
    conn, i = http.client.HTTPConnection(HOST, port, timeout=60), start
    while time.monotonic() < deadline and tally.take():
        path = paths[i % len(paths)]
        i += 1
        began = time.monotonic()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                tally.errors.append((time.monotonic(), f"{response.status} {path}"))
                continue
        except (OSError, http.client.HTTPException) as exc:
            tally.errors.append((time.monotonic(), f"{type(exc).__name__} {path}"))
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=60)
            continue
        now = time.monotonic()
        tally.done.append((now, now - began))
    conn.close()


def run(port: int, paths: list[str], concurrency: int, seconds: float, tally: Tally) -> None:
    """Drive the server with `concurrency` clients for `seconds` (or until the budget is spent)."""
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(target=client, args=(port, paths, k * 97, deadline, tally))
        for k in range(concurrency)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


class Server:
    """`kb serve --port 0` against `index_dir`; the context manager stops it."""

    def __init__(
        self,
        index_dir: Path,
        workers: int | None = None,
        threads: int | None = None,
        timeout: float = 900.0,
        repo: Path = REPO,
    ):
        self.index_dir, self.timeout, self.repo = index_dir, timeout, repo
        self.cmd = [
            sys.executable,
            "-c",
            "import sys; from cli import main; sys.exit(main())",
            "serve",
            "--host",
            HOST,
            "--port",
            "0",
            "--quiet",
        ]
        self.cmd += ["--workers", str(workers)] if workers else []
        self.cmd += ["--threads", str(threads)] if threads else []
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.ready_s = 0.0

    @property
    def pid(self) -> int:
        """The `kb serve` parent process."""
        assert self.proc is not None
        return self.proc.pid

    def __enter__(self) -> Server:
        began = time.monotonic()
        env = {**os.environ, "KB_INDEX_DIR": str(self.index_dir), "PYTHONPATH": str(self.repo)}
        self.proc = subprocess.Popen(
            self.cmd, cwd=self.repo, env=env, stdout=subprocess.PIPE, text=True
        )
        line = self.proc.stdout.readline()  # "serving http://127.0.0.1:PORT/ …" (after any build)
        match = re.search(r"http://[^:]+:(\d+)/", line)
        if not match:
            self.__exit__(None, None, None)
            raise RuntimeError(f"kb serve did not start: {line!r}")
        self.port = int(match[1])
        wait_healthy(self.port, began + self.timeout)
        self.ready_s = time.monotonic() - began
        return self

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def wait_healthy(port: int, deadline: float) -> None:
    """Poll /api/health until it answers 200."""
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/api/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("kb serve never became healthy")


def _tree(pid: int) -> list[int]:
    """`pid` and every process below it (workers, the vector filler, the keeper), from /proc."""
    parent_of = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parent_of[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, todo = [], [pid]
    while todo:
        tree.append(up := todo.pop())
        todo += [p for p, parent in parent_of.items() if parent == up]
    return tree


def server_usage(pid: int) -> dict:
    """CPU seconds, RSS and PSS (MB) summed over the server process and all below it."""
    cpu, rss, pss, procs = 0.0, 0, 0, 0
    tick = os.sysconf("SC_CLK_TCK")
    for p in _tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            status = Path(f"/proc/{p}/status").read_text()
            rollup = Path(f"/proc/{p}/smaps_rollup").read_text()
        except OSError:
            continue
        cpu += (int(fields[11]) + int(fields[12])) / tick
        rss += int(re.search(r"VmRSS:\s+(\d+)", status)[1])
        pss += int(re.search(r"^Pss:\s+(\d+)", rollup, re.M)[1])
        procs += 1
    return {"cpu": cpu, "rss_mb": rss / 1024, "pss_mb": pss / 1024, "processes": procs}


def run_level(
    server: Server, paths: list[str], concurrency: int, seconds: float, max_requests: int
) -> dict:
    """Drive the server at one concurrency; returns the measurements."""
    tally = Tally(budget=max_requests)
    cpu_before, mine_before, busy_before = server_usage(server.pid)["cpu"], _own_cpu(), _busy()
    began = time.monotonic()
    run(server.port, paths, concurrency, seconds, tally)
    elapsed = time.monotonic() - began
    usage = server_usage(server.pid)
    server_cpu = usage["cpu"] - cpu_before
    mine, busy = _own_cpu() - mine_before, _busy() - busy_before
    latencies = sorted(seconds for _at, seconds in tally.done)
    errors = [what for _at, what in tally.errors]
    lat = latency_summary([s * 1000 for s in latencies])
    return {
        "concurrency": concurrency,
        "requests": len(latencies),
        "seconds": elapsed,
        "rps": len(latencies) / elapsed,
        "p50": lat["p50"],
        "p95": lat["p95"],
        "p99": lat["p99"],
        "errors": len(errors),
        "error_sample": errors[:3],
        "cpu": server_cpu / elapsed * 100,
        "cpu_ms": server_cpu * 1000 / max(1, len(latencies)),  # the server's CPU per answer
        "client": mine / elapsed * 100,
        "others": max(0.0, busy - server_cpu - mine) / elapsed * 100,
        "rss_mb": usage["rss_mb"],
        "pss_mb": usage["pss_mb"],
        "processes": usage["processes"],
    }


def _own_cpu() -> float:
    """CPU seconds used by this load-generating process."""
    t = os.times()
    return t.user + t.system


def _load1() -> float:
    """The machine's one-minute load average (runnable processes, all cores)."""
    return float(Path("/proc/loadavg").read_text().split()[0])


def _busy() -> float:
    """CPU seconds the whole machine has been busy (all cores), from /proc/stat."""
    ticks = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    """Parse options, start the server, run the levels, print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--levels", default="1,4,16")
    ap.add_argument("--seconds", type=float, default=20.0, help="per level")
    ap.add_argument("--max-requests", type=int, default=50_000, help="per level")
    ap.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds first")
    ap.add_argument("--workers", type=int)
    ap.add_argument("--threads", type=int)
    ap.add_argument("--repo", type=Path, default=REPO, help="checkout whose kb serve to drive")
    args = ap.parse_args()
    index_dir = load_settings().index_dir
    paths = query_mix()
    print(f"index {index_dir}; {len(paths)} distinct requests in the mix")
    levels = [int(x) for x in args.levels.split(",")]
    server = Server(index_dir, workers=args.workers, threads=args.threads, repo=args.repo)
    with server:
        where = f"{HOST}:{server.port} (ready in {server.ready_s:.1f}s)"
        print(f"kb serve of {args.repo}: pid {server.pid} on {where}")
        if args.warmup > 0:
            run_level(server, paths, max(levels), args.warmup, args.max_requests)
        print(
            f"{'conc':>4} {'reqs':>7} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
            f"{'errors':>6} {'cpu %':>6} {'ms/req':>6} {'RSS MB':>7} {'PSS MB':>7} procs {'client%':>7} "
            f"{'other%':>6} {'load1':>5}"
        )
        for level in levels:
            r = run_level(server, paths, level, args.seconds, args.max_requests)
            print(
                f"{r['concurrency']:>4} {r['requests']:>7} {r['rps']:>7.1f} {r['p50']:>7.1f} "
                f"{r['p95']:>7.1f} {r['p99']:>7.1f} {r['errors']:>6} {r['cpu']:>6.0f} {r['cpu_ms']:>6.1f} "
                f"{r['rss_mb']:>7.0f} {r['pss_mb']:>7.0f} {r['processes']:>5} {r['client']:>7.0f} "
                f"{r['others']:>6.0f} {_load1():>5.1f}",
                flush=True,
            )
            for sample in r["error_sample"]:
                print(f"     error: {sample}")


if __name__ == "__main__":
    main()
