"""Slow clients: does `kb serve` still answer while some connections stall mid-request?

    .venv/bin/python -m bench.slow_clients [--stalled 2,4,8,64] [--workers 2] [--threads 2]
                                           [--repo PATH]

Starts `kb serve` on the configured index (KB_INDEX_DIR), opens N connections that send part of
a request (headers without their end, or a body shorter than announced) and then wait, and
prints how /api/health answers meanwhile from a fresh connection. --repo drives another
checkout's server (see bench.load).
"""

from __future__ import annotations

import argparse
import http.client
import socket
import time
from pathlib import Path

from bench.load import HOST, REPO, Server
from kb.config import load_settings

PARTIAL = {
    "headers": b"GET /api/health HTTP/1.1\r\nHost: kb\r\n",
    "body": b"POST /api/verify HTTP/1.1\r\nHost: kb\r\nContent-Type: application/json\r\n"
    b'Content-Length: 1000\r\n\r\n{"text": "',
}


def health(port: int, timeout: float) -> str:
    """How /api/health answers on a new connection: status and seconds, or the error."""
    began = time.monotonic()
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", "/api/health")
        status = conn.getresponse().status
        return f"{status} in {time.monotonic() - began:.2f}s"
    except OSError as exc:
        return f"{type(exc).__name__} after {time.monotonic() - began:.1f}s"
    finally:
        conn.close()


def stalled(port: int, count: int, partial: bytes) -> list[socket.socket]:
    """`count` connections that sent `partial` and then wait."""
    socks = []
    for _ in range(count):
        sock = socket.create_connection((HOST, port))
        sock.sendall(partial)
        socks.append(sock)
    return socks


def main() -> None:
    """Start the server, stall connections in rising numbers, print what a client meets."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stalled", default="2,4,8,64")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds a health check waits")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repo", type=Path, default=REPO, help="checkout whose kb serve to drive")
    args = ap.parse_args()
    server = Server(load_settings().index_dir, args.workers, args.threads, repo=args.repo)
    with server:
        print(f"kb serve of {args.repo}: {args.workers} worker(s) x {args.threads} threads")
        print(f"{'stalled':>7} {'mid-':<8} /api/health")
        for count in (int(n) for n in args.stalled.split(",")):
            for kind, partial in PARTIAL.items():
                socks = stalled(server.port, count, partial)
                time.sleep(1.0)
                print(f"{count:>7} {kind:<8} {health(server.port, args.timeout)}", flush=True)
                for sock in socks:
                    sock.close()
                time.sleep(1.0)


if __name__ == "__main__":
    main()
