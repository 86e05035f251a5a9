"""Document metadata as columns, for filters, priors and version status at search time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from kb.models import CURRENT
from kb.versions import resolve_versions

_NEVER = np.iinfo(np.int32).max
_ALWAYS = np.iinfo(np.int32).min


def day_number(iso: str | None, default: int) -> int:
    """Days since 1970-01-01 for an ISO date; `default` when missing or malformed."""
    if not iso:
        return default
    try:
        return date.fromisoformat(iso[:10]).toordinal() - 719163
    except ValueError:
        return default


def _codes(values: list[str]) -> tuple[np.ndarray, list[str]]:
    names = sorted(set(values))
    index = {v: i for i, v in enumerate(names)}
    return np.array([index[v] for v in values], dtype=np.int32), names


@dataclass
class DocTable:
    """One row per indexed document; version status is recomputed here so updates stay right."""

    ids: list[str]
    records: list[dict]
    row: dict[str, int]
    kind: np.ndarray
    kinds: list[str]
    region: np.ndarray
    regions: list[str]
    work: np.ndarray
    works: list[str]
    current: np.ndarray
    duplicate: np.ndarray
    valid_from: np.ndarray
    valid_to: np.ndarray
    local: np.ndarray  # has a region (a local document)

    @classmethod
    def build(cls, records: list[dict]) -> DocTable:
        """Columns from the stored document records, with versions resolved across works."""
        versions = resolve_versions(records)
        for rec in records:
            v = versions[rec["id"]]
            rec["status"], rec["valid_from"], rec["valid_to"] = v.status, v.valid_from, v.valid_to
            rec["duplicate_of"] = v.duplicate_of
        kind, kinds = _codes([r["kind"] for r in records])
        region, regions = _codes([r.get("region") or "" for r in records])
        work, works = _codes([r["work_key"] for r in records])
        return cls(
            ids=[r["id"] for r in records],
            records=records,
            row={r["id"]: i for i, r in enumerate(records)},
            kind=kind,
            kinds=kinds,
            region=region,
            regions=regions,
            work=work,
            works=works,
            current=np.array([r["status"] == CURRENT for r in records], dtype=bool),
            duplicate=np.array([bool(r["duplicate_of"]) for r in records], dtype=bool),
            valid_from=np.array([day_number(r["valid_from"], _ALWAYS) for r in records], np.int32),
            valid_to=np.array([day_number(r["valid_to"], _NEVER) for r in records], np.int32),
            local=np.array([bool(r.get("region")) for r in records], dtype=bool),
        )

    def mask(
        self,
        kinds=(),
        regions=(),
        documents=(),
        versions: str = "current",
        as_of: str | None = None,
    ) -> np.ndarray:
        """Boolean row mask for the filters a search asks for."""
        keep = ~self.duplicate
        if kinds:
            keep &= np.isin(self.kind, [self.kinds.index(k) for k in kinds if k in self.kinds])
        if regions:
            keep &= np.isin(
                self.region, [self.regions.index(r) for r in regions if r in self.regions]
            )
        if documents:
            rows = [self.row[d] for d in documents if d in self.row]
            only = np.zeros(len(self.ids), dtype=bool)
            only[rows] = True
            keep &= only
        if as_of:
            day = day_number(as_of, 0)
            keep &= (self.valid_from <= day) & (day < self.valid_to)
        elif versions == "current":
            keep &= self.current
        return keep

    def work_mask(self, work_keys: set[str]) -> np.ndarray:
        """Boolean row mask of the documents belonging to these works."""
        codes = [i for i, w in enumerate(self.works) if w in work_keys]
        return np.isin(self.work, codes)
