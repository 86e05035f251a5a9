"""A build's links.json, loaded once and indexed by citing and cited passage."""

from __future__ import annotations

import logging
from collections import defaultdict
from pathlib import Path

from kb.engine.snapshot import Snapshot
from kb.errors import IndexCorrupt
from kb.links import model as m
from kb.links.store import LINKS, read_json

log = logging.getLogger(__name__)


def link_table(snap: Snapshot) -> LinkTable:
    """The links of a build, read once and kept with it."""
    return snap.cached("links", lambda: LinkTable.load(snap.path))


class LinkTable:
    """Links, unresolved references and document relations of one build."""

    def __init__(self, data: dict):
        self.links = [m.Link(*row) for row in data.get("links", ())]
        self.unresolved = [m.Unresolved(*row) for row in data.get("unresolved", ())]
        self.relations = [m.Relation(*row) for row in data.get("relations", ())]
        self.summary: dict = data.get("summary", {})
        self.by_source: dict[str, list[m.Link]] = defaultdict(list)
        self.by_target: dict[str, list[m.Link]] = defaultdict(list)
        self.by_target_doc: dict[str, list[m.Link]] = defaultdict(list)
        for link in self.links:
            self.by_source[link.source].append(link)
            if link.target_ordinal is None:
                self.by_target_doc[link.target_doc].append(link)
            else:
                self.by_target[link.target].append(link)
        self.unresolved_by_source: dict[str, list[m.Unresolved]] = defaultdict(list)
        for u in self.unresolved:
            self.unresolved_by_source[f"{u.source_doc}-{u.source_ordinal}"].append(u)
        self.relations_from: dict[str, list[m.Relation]] = defaultdict(list)
        self.relations_to: dict[str, list[m.Relation]] = defaultdict(list)
        for r in self.relations:
            self.relations_from[r.doc].append(r)
            self.relations_to[r.target_doc].append(r)

    @classmethod
    def load(cls, build: Path) -> LinkTable:
        """The links of the build at `build` (empty for a build made before links were kept)."""
        path = build / LINKS
        if not path.is_file():
            log.warning("build %s has no %s: run `kb index --rebuild` for links", build.name, LINKS)
            return cls({})
        try:
            return cls(read_json(path))
        except (OSError, ValueError, TypeError) as exc:
            raise IndexCorrupt(
                f"cannot read {path}: {exc}: run `kb index --rebuild` to repair it"
            ) from exc
