"""Start a real `kb serve` for a test."""

from __future__ import annotations


def start_kb_serve(index_dir, corpus_dir, workers: int = 1, threads: int = 2, stderr=None):
    """A real `kb serve` on a free loopback port: (process, port). The caller stops it."""
    import os
    import re
    import subprocess
    import sys

    env = {**os.environ, "KB_INDEX_DIR": str(index_dir), "KB_CORPUS_DIR": str(corpus_dir)}
    cmd = [sys.executable, "-c", "import sys; from cli import main; sys.exit(main())", "serve"]
    cmd += ["--host", "127.0.0.1", "--port", "0", "--workers", str(workers)]
    cmd += ["--threads", str(threads), "--quiet"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=stderr, text=True)
    match = re.search(r"http://127\.0\.0\.1:(\d+)/", proc.stdout.readline())
    if not match:
        proc.kill()
        proc.wait()
        raise AssertionError("kb serve printed no address")
    return proc, int(match[1])
