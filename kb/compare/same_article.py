"""The same article in the other versions of its work: one answer for every view that asks.

Revisions renumber (代表法 2015 第三十六条 is 2025 第四十四条), so neither the number nor the
words alone say which article of another version is the same one. The version aligner
(kb/compare/align.py) does: two consecutive versions are aligned once per build and kept,
and an article is followed from its own version to the others pair by pair. The links panel
(what cites an article in any version), the earlier wording shown after a search hit, the
article's history and the comparison of two versions all read these alignments, so they
cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kb.compare.align import Match
from kb.compare.compare import align_passages
from kb.compare.model import VersionText
from kb.compare.texts import load_version
from kb.engine.articles import ArticleFinder, article_finder
from kb.engine.snapshot import Snapshot
from kb.engine.works import versions_of, work_rows


@dataclass(frozen=True)
class Alignment:
    """Two versions' articles paired by the aligner: passage ids of each, and the pairs."""

    old: tuple[str, ...]  # passage ids of the older version, in reading order
    new: tuple[str, ...]
    matches: tuple[Match, ...]  # positions in `old` and `new`
    _old_of: dict[str, str] = field(init=False, repr=False, compare=False)
    _new_of: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        pairs = [(self.old[m.old], self.new[m.new]) for m in self.matches]
        object.__setattr__(self, "_old_of", {b: a for a, b in pairs})
        object.__setattr__(self, "_new_of", dict(pairs))

    def old_of(self, new_id: str) -> str | None:
        """The older version's passage paired with a passage of the newer one."""
        return self._old_of.get(new_id)

    def new_of(self, old_id: str) -> str | None:
        """The newer version's passage paired with a passage of the older one."""
        return self._new_of.get(old_id)


def alignment(
    snap: Snapshot,
    old_id: str,
    new_id: str,
    texts: tuple[VersionText, VersionText] | None = None,
) -> Alignment:
    """The articles of two versions of a work paired (computed once per build and pair);
    `texts`: the two versions when the caller has loaded them already."""

    def make() -> Alignment:
        old, new = texts or (load_version(snap, old_id), load_version(snap, new_id))
        ids = lambda v: tuple(p.id for p in v.passages)  # noqa: E731
        return Alignment(ids(old), ids(new), tuple(align_passages(old, new)))

    return snap.cached(("alignment", old_id, new_id), make)


def counterparts(snap: Snapshot, passage_id: str) -> list[tuple[str, str | None]]:
    """(version, passage) for every version of a passage's work and part, oldest first: the
    passage in its own version, the article paired with it in the others (None where it is
    not: added later, or deleted)."""
    doc_id = passage_id.rpartition("-")[0]
    ids = [snap.docs.ids[r] for r in versions_of(snap, snap.row_of(doc_id))]
    at = ids.index(doc_id)
    chain: list[str | None] = [None] * len(ids)
    chain[at] = passage_id
    for k in range(at, 0, -1):  # back: what it was before
        chain[k - 1] = alignment(snap, ids[k - 1], ids[k]).old_of(chain[k])
        if chain[k - 1] is None:
            break
    for k in range(at + 1, len(ids)):  # forward: what became of it
        chain[k] = alignment(snap, ids[k - 1], ids[k]).new_of(chain[k - 1])
        if chain[k] is None:
            break
    return list(zip(ids, chain, strict=True))


def same_article_ids(snap: Snapshot, passage_id: str) -> list[str]:
    """The passage's id, then the same article's in the other versions of its work."""
    others = (p for _v, p in counterparts(snap, passage_id) if p and p != passage_id)
    return [passage_id, *others]


def counterpart_in(snap: Snapshot, passage_id: str, doc_id: str) -> str | None:
    """The passage paired with `passage_id` in version `doc_id` of its work (None where the
    article is not there: added later, deleted, or `doc_id` is not a version of the work)."""
    return dict(counterparts(snap, passage_id)).get(doc_id)


def finder_in_every_version(snap: Snapshot) -> ArticleFinder:
    """kb.engine.articles.article_finder ((source file, article number) → docnums) widened to
    the same article in every other version of its work: a reference to a version since
    replaced still reaches the article as the version a search shows words it."""
    find = article_finder(snap)

    def found(source: str, article: int) -> tuple[int, ...]:
        nums = find(source, article)
        same = (snap.docnum_of(p) for n in nums for p in same_article_ids(snap, snap.passage_id(n)))
        return tuple(dict.fromkeys([*nums, *(n for n in same if n is not None)]))

    return found


def warm(snap: Snapshot) -> None:
    """Align every two consecutive versions of every work now (a few seconds for the
    corpus) rather than on the first request that meets each work."""
    seen = set()
    for rows in work_rows(snap).values():
        for row in rows:
            ids = [snap.docs.ids[r] for r in versions_of(snap, row)]
            if ids[0] not in seen:
                seen.add(ids[0])
                for old_id, new_id in zip(ids, ids[1:], strict=False):
                    alignment(snap, old_id, new_id)
