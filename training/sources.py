"""Where each dataset comes from (repository, commit, files, licence) and how its files are read.

A repository is read from a local copy: either a bare git directory or a checkout (found under the
sources root as `owner+name/repo`, `owner+name` or `owner/name`). Files are taken at the pinned
commit when the copy is a git directory, so a build reads exactly what SOURCES.md describes.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from kb.errors import KBError


class SourceMissing(KBError):
    """A dataset's repository is not on this machine."""


@dataclass(frozen=True)
class Repo:
    """A public repository a dataset is read from, pinned to a commit."""

    name: str  # owner/name
    commit: str
    licence: str
    redistribute: bool  # whether derived files may be committed to our repository


LAWYER_LLAMA = Repo(
    "AndrewZhe/lawyer-llama",
    "abaa09586081b82ceb7b0a9f41d05a68897b24ee",
    "Apache-2.0 (LICENSE); README: data for academic research only, not for commercial use",
    False,
)
LEGAL_DC = Repo(
    "legal-dc/Legal-DC",
    "1f4422e4a9de4ce7bb311ebf926f61c1b077d50a",
    "none stated (no LICENSE file): all rights reserved",
    False,
)
STARD = Repo("oneal2000/STARD", "bae10e1f358685446c3af4b15e7b94724f83bc9e", "MIT", True)


def repo_dir(repo: Repo, root: Path) -> Path:
    """The local copy of `repo` under `root`; raises SourceMissing with the way to get it."""
    owner, name = repo.name.split("/")
    for candidate in (
        root / f"{owner}+{name}" / "repo",
        root / f"{owner}+{name}",
        root / owner / name,
    ):
        if candidate.is_dir():
            return candidate
    raise SourceMissing(
        f"{repo.name} not found under {root} (clone it there as {owner}+{name}, "
        f"e.g. git clone https://github.com/{repo.name} {root / f'{owner}+{name}'})"
    )


def read_file(repo: Repo, root: Path, path: str) -> str:
    """The text of `path` in `repo` at its pinned commit (or as checked out, for a plain copy)."""
    where = repo_dir(repo, root)
    checkout = where / path
    if checkout.is_file() and not _is_git_dir(where):
        return checkout.read_text(encoding="utf-8")
    git_dir = where if _is_git_dir(where) else where / ".git"
    done = subprocess.run(
        ["git", f"--git-dir={git_dir}", "show", f"{repo.commit}:{path}"],
        capture_output=True,
        check=False,
    )
    if done.returncode:
        raise SourceMissing(
            f"{repo.name}: cannot read {path} at {repo.commit[:10]}: "
            + done.stderr.decode("utf-8", "replace").strip()
        )
    return done.stdout.decode("utf-8")


def _is_git_dir(path: Path) -> bool:
    return (path / "HEAD").is_file() and (path / "objects").is_dir()
