"""Configuration in one place: defaults that work out of the box, overridden by KB_* variables."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus"
DEFAULT_INDEX = REPO_ROOT / "var" / "index"


@dataclass(frozen=True)
class Settings:
    """Where documents and the index live, and how the server listens."""

    corpus_dirs: tuple[Path, ...]
    index_dir: Path
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2  # server processes (one per core)
    threads: int = 2  # threads per server process (searches are CPU-bound: more only queue)
    internal_dirs: tuple[str, ...] = ()  # corpus-relative folders whose files are internal


def _paths(value: str) -> tuple[Path, ...]:
    return tuple(Path(p).expanduser().resolve() for p in value.split(os.pathsep) if p.strip())


def _folders(value: str) -> tuple[str, ...]:
    """Corpus-relative folders ("内部资料:工作简报/内部"), "/"-separated, without outer slashes."""
    return tuple(p.strip().strip("/") for p in value.split(os.pathsep) if p.strip().strip("/"))


def load_settings(env: dict[str, str] | None = None, **overrides) -> Settings:
    """Read settings from `env` (default: os.environ), then apply keyword overrides."""
    env = os.environ if env is None else env
    values = {
        "corpus_dirs": _paths(env.get("KB_CORPUS_DIR", "")) or (DEFAULT_CORPUS,),
        "index_dir": Path(env.get("KB_INDEX_DIR") or DEFAULT_INDEX).expanduser().resolve(),
        "host": env.get("KB_HOST", "127.0.0.1"),
        "port": int(env.get("KB_PORT", "8000")),
        "workers": int(env.get("KB_WORKERS", str(min(2, os.cpu_count() or 1)))),
        "threads": int(env.get("KB_THREADS", "2")),
        "internal_dirs": _folders(env.get("KB_INTERNAL_DIRS", "")),
    }
    values.update({k: v for k, v in overrides.items() if v is not None})
    dirs = values["corpus_dirs"]
    if isinstance(dirs, (str, Path)):
        dirs = str(dirs).split(os.pathsep)
    values["corpus_dirs"] = tuple(Path(p).expanduser().resolve() for p in dirs)
    values["index_dir"] = Path(values["index_dir"]).resolve()
    values["internal_dirs"] = tuple(values["internal_dirs"])
    return Settings(**values)


def vectors_enabled(env: dict[str, str] | None = None) -> bool:
    """KB_VECTORS=off (or 0, no, false) turns the semantic layer off everywhere."""
    env = os.environ if env is None else env
    return env.get("KB_VECTORS", "on").strip().lower() not in ("off", "0", "no", "false")
