"""Configuration in one place: defaults that work out of the box, overridden by KB_* variables."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus"
DEFAULT_INDEX = REPO_ROOT / "var" / "index"
CORES = os.cpu_count() or 1
# what a default run keeps busy (server processes, build shards, embedding processes, a question's
# threads): two cores, the machine it was measured on, or fewer where there are fewer
WORKING_CORES = min(2, CORES)

# Limits of one request, in one place: the library checks them, the web forms and the MCP tools
# take them, and the OpenAPI document and the tools' schemas publish them (kb.shapes.params).
MAX_QUERY_CHARS = 500  # a question, a citation or a few words (q, ref, a tool's query)
DEFAULT_LIMIT = 10  # hits per page
MAX_LIMIT = 100
MAX_OFFSET = 10_000  # hits skipped
MAX_VALUES = 20  # repeated kind/region/document values
MAX_ID_CHARS = 100  # ids are short; anything longer cannot name a passage or document
MAX_SUGGEST_CHARS = 100  # a name or a citation being typed; longer input gets no suggestions
DEFAULT_SUGGESTIONS = 8
MAX_SUGGESTIONS = 20
MAX_VERIFY_CHARS = 20_000  # characters of text one check reads
MAX_NAME_CHARS = 200  # a version to compare: a document id, or a name with a year (代表法2015)
MAX_CHANGES = 500  # changes one compare_versions answer lists


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
        "workers": int(env.get("KB_WORKERS", str(WORKING_CORES))),
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
