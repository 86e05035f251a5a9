"""A `kb serve` subprocess on a free loopback port for the load test, and its CPU and memory."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

HOST = "127.0.0.1"
REPO = Path(__file__).resolve().parents[1]


class Server:
    """`kb serve --port 0` against `index_dir`; the context manager stops it."""

    def __init__(self, index_dir: Path, workers: int | None = None, threads: int | None = None,
                 timeout: float = 900.0):
        self.index_dir, self.timeout = index_dir, timeout
        self.cmd = [sys.executable, "-c", "import sys; from cli import main; sys.exit(main())",
                    "serve", "--host", HOST, "--port", "0", "--quiet"]
        self.cmd += ["--workers", str(workers)] if workers else []
        self.cmd += ["--threads", str(threads)] if threads else []
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.ready_s = 0.0

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def __enter__(self) -> Server:
        began = time.monotonic()
        env = {**os.environ, "KB_INDEX_DIR": str(self.index_dir)}
        self.proc = subprocess.Popen(self.cmd, cwd=REPO, env=env, stdout=subprocess.PIPE,
                                     text=True)
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


def _children(pid: int) -> list[int]:
    """Direct children of `pid`, from /proc."""
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry))
    return out


def server_usage(pid: int) -> dict:
    """CPU seconds and RSS (MB) summed over the server process and its workers."""
    cpu, rss, procs = 0.0, 0, 0
    tick = os.sysconf("SC_CLK_TCK")
    for p in [pid, *_children(pid)]:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        cpu += (int(fields[11]) + int(fields[12])) / tick
        rss += int(re.search(r"VmRSS:\s+(\d+)", status)[1])
        procs += 1
    return {"cpu": cpu, "rss_mb": rss / 1024, "processes": procs}
