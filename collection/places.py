"""Where the collection's own files live, from the settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kb.access import everything_dir
from kb.config import Settings

MANAGED = "上传"  # the managed folder inside the first corpus folder
ARCHIVE = ".kb-archive"  # withdrawn and replaced files (hidden: the indexer never reads it)


@dataclass(frozen=True)
class Places:
    """The accounts database, staged uploads and the managed folder of one installation."""

    settings: Settings

    @property
    def index_dir(self) -> Path:
        return self.settings.index_dir

    @property
    def keep_dir(self) -> Path:
        return self.settings.index_dir / "keep"

    @property
    def database(self) -> Path:
        return self.keep_dir / "keep.sqlite3"

    @property
    def staged(self) -> Path:
        return self.keep_dir / "uploads"

    @property
    def keeper_lock(self) -> Path:
        return self.keep_dir / "KEEPER.LOCK"

    @property
    def corpus_root(self) -> Path:
        return self.settings.corpus_dirs[0]

    @property
    def managed(self) -> Path:
        return self.corpus_root / MANAGED

    def archive(self, root: Path) -> Path:
        """The archive folder of the corpus folder `root` (same file system: moves are renames)."""
        return root / ARCHIVE

    @property
    def everything(self) -> Path:
        return everything_dir(self.settings.index_dir)

    def root_of(self, source: str) -> Path | None:
        """The corpus folder holding `source`, if any does."""
        for root in self.settings.corpus_dirs:
            if (root / source).is_file():
                return root
        return None
