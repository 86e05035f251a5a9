"""The rule: who the caller is, which sources are internal, where each index lives."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from kb.errors import IndexCorrupt

ROLES = ("reader", "editor", "admin")  # lowest first: each may do what the ones before it may
MARKS = "internal.json"
EVERYTHING = "all"


@dataclass(frozen=True)
class Caller:
    """Who is asking: anonymous, or an account (session) or API token with a role."""

    name: str | None = None
    role: str | None = None
    via: str = "anonymous"  # anonymous | session | token

    @property
    def signed_in(self) -> bool:
        return self.role in ROLES

    @property
    def sees_internal(self) -> bool:
        """Readers and above read internal documents."""
        return self.signed_in

    def may(self, role: str) -> bool:
        """True when the caller's role is `role` or above it."""
        return self.signed_in and ROLES.index(self.role) >= ROLES.index(role)


ANONYMOUS = Caller()


def everything_dir(index_dir: Path) -> Path:
    """Where the index of every document (internal ones too) lives."""
    return Path(index_dir) / EVERYTHING


def marks_path(index_dir: Path) -> Path:
    """The file naming the sources an editor marked internal."""
    return Path(index_dir) / MARKS


def read_marks(index_dir: Path) -> frozenset[str]:
    """Sources marked internal (none when the file is missing; a damaged file is an error:
    guessing 'none' would publish internal documents)."""
    path = marks_path(index_dir)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return frozenset()
    except (OSError, ValueError) as exc:
        raise IndexCorrupt(f"cannot read the internal marks {path}: {exc}") from exc
    return frozenset(str(s) for s in data.get("internal", ()))


@dataclass(frozen=True)
class Rules:
    """Which sources are internal: marked ones and those under the internal folders."""

    marked: frozenset[str] = frozenset()
    folders: tuple[str, ...] = ()

    def internal(self, source: str) -> bool:
        parts = PurePosixPath(source).parts
        return source in self.marked or any(
            parts[: len(f)] == f for f in (PurePosixPath(d).parts for d in self.folders) if f
        )


def rules_for(index_dir: Path, folders: tuple[str, ...] = ()) -> Rules:
    """The rules in force for the index at `index_dir`."""
    return Rules(read_marks(index_dir), tuple(folders))
