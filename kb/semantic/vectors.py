"""Passage vectors on disk: a content-addressed cache of every text embedded, and one aligned
matrix per build that the server's workers memory-map (shared through the page cache).

    <index_dir>/vectors/<tag>/chunk-*.npz     keys (blake2b-128 of the exact text embedded) and
                                              float16 vectors; written whole (tmp + rename), so a
                                              killed run keeps every finished chunk
    <build>/vectors-<tag>.i8.npy              int8 (passages × dim), row = docnum
    <build>/vectors-<tag>.scale.npy           float32 per row (0 for a passage without a vector)
    <build>/vectors-<tag>.json                written last: tag, rows, sizes and CRCs, coverage

Vectors of another model, engine or truncation have another tag and are never read together.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kb.errors import KBError
from kb.store import file_crc, write_atomic

MAX_CHARS = 512  # of the text handed to the encoder (it keeps at most MAX_TOKENS of them)


class VectorsUnusable(KBError):
    """A build's vectors are missing, partial, damaged or from another encoder."""

    status = 503


class VectorsPending(VectorsUnusable):
    """A build's vectors are not complete yet (being computed, or never started)."""


def embed_text(title: str, heading_path: list[str] | tuple[str, ...], text: str) -> str:
    """What the encoder reads for a passage: its document's title, its nearest heading, its text."""
    parts = [title, heading_path[-1] if heading_path else "", text]
    return "\n".join(p.strip() for p in parts if p and p.strip())[:MAX_CHARS]


def text_key(text: str) -> bytes:
    """The cache key of an embedded text."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def slug(tag: str) -> str:
    """A file-name form of an encoder tag."""
    return re.sub(r"[^A-Za-z0-9.=-]+", "_", tag)


def shipped_path(name: str, tag: str, suffix: str = ".npz") -> Path:
    """Where a file learned for an encoder tag is shipped: kb/data/<name>-<slug(tag)><suffix>."""
    return Path(__file__).resolve().parents[1] / "data" / f"{name}-{slug(tag)}{suffix}"


class VectorCache:
    """Every vector ever computed under one encoder tag, by text key."""

    def __init__(self, index_dir: Path, tag: str):
        self.root = Path(index_dir) / "vectors" / slug(tag)
        self._where: dict[bytes, tuple[Path, int]] | None = None

    def index(self) -> dict[bytes, tuple[Path, int]]:
        """key → (chunk file, row), read from every whole chunk (damaged ones are skipped)."""
        if self._where is None:
            self._where = {}
            for path in sorted(self.root.glob("chunk-*.npz")):
                try:
                    with np.load(path) as z:
                        keys = z["keys"]
                except (OSError, ValueError, KeyError, zipfile.BadZipFile):
                    continue  # written by a run killed mid-write before the rename: never whole
                for row, key in enumerate(keys):
                    self._where[key.tobytes()] = (path, row)
        return self._where

    def write(self, name: str, keys: list[bytes], vectors: np.ndarray) -> None:
        """Store one chunk atomically."""
        self.root.mkdir(parents=True, exist_ok=True)
        packed = np.frombuffer(b"".join(keys), "V16")
        write_atomic(
            self.root / f"chunk-{name}.npz",
            lambda f: np.savez(f, keys=packed, vecs=vectors.astype(np.float16)),
        )
        if self._where is not None:
            for row, key in enumerate(keys):
                self._where[key] = (self.root / f"chunk-{name}.npz", row)

    def gather(self, keys: list[bytes], dim: int) -> tuple[np.ndarray, np.ndarray]:
        """float32 vectors for keys (zeros where missing) and a found mask."""
        where = self.index()
        out = np.zeros((len(keys), dim), np.float32)
        found = np.zeros(len(keys), bool)
        by_file: dict[Path, list[tuple[int, int]]] = {}
        for i, key in enumerate(keys):
            hit = where.get(key)
            if hit is not None:
                by_file.setdefault(hit[0], []).append((i, hit[1]))
        for path, pairs in by_file.items():
            with np.load(path) as z:
                vecs = z["vecs"]
            rows = np.array(pairs)
            out[rows[:, 0]] = vecs[rows[:, 1]]
            found[rows[:, 0]] = True
        return out, found


def write_progress(index_dir: Path, tag: str, build: str, have: int, done: int, total: int) -> None:
    """Record how far the vectors of `build` are (for /api/health while they are computed)."""
    root = Path(index_dir) / "vectors" / slug(tag)
    root.mkdir(parents=True, exist_ok=True)
    progress = {"build": build, "have": have, "done": done, "total": total}
    write_atomic(root / "progress.json", json.dumps(progress))


def progress_of(index_dir: Path, tag: str, build: str) -> float:
    """Share of the passage texts of `build` that have vectors (0.0 when unknown)."""
    try:
        p = json.loads((Path(index_dir) / "vectors" / slug(tag) / "progress.json").read_text())
        if p["build"] != build or not p["total"]:
            return 0.0
        return min(1.0, (p["have"] + p["done"]) / p["total"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0.0


def quantize(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric int8 per row: (codes, scale) with vectors ≈ codes × scale."""
    peak = np.abs(vectors).max(axis=1)
    scale = (peak / 127.0).astype(np.float32)
    safe = np.where(scale > 0, scale, 1.0)
    codes = np.clip(np.rint(vectors / safe[:, None]), -127, 127).astype(np.int8)
    return codes, scale


@dataclass
class BuildVectors:
    """The aligned vectors of one build, memory-mapped read-only."""

    codes: np.ndarray  # int8 (rows, dim)
    scale: np.ndarray  # float32 (rows,)
    meta: dict


def _paths(build: Path, tag: str) -> tuple[Path, Path, Path]:
    base = build / f"vectors-{slug(tag)}"
    return Path(f"{base}.i8.npy"), Path(f"{base}.scale.npy"), Path(f"{base}.json")


def write_build_vectors(
    build: Path, tag: str, vectors: np.ndarray, found: np.ndarray, info: dict
) -> None:
    """Write a build's aligned vectors, its .json last (the mark that they are complete)."""
    codes, scale = quantize(vectors)
    scale[~found] = 0.0
    codes_path, scale_path, meta_path = _paths(build, tag)
    files = {}
    for path, array in ((codes_path, codes), (scale_path, scale)):
        write_atomic(path, lambda f, array=array: np.save(f, array))
        files[path.name] = [path.stat().st_size, file_crc(path)]
    meta = dict(info, tag=tag, rows=int(codes.shape[0]), embedded=int(found.sum()), files=files)
    write_atomic(meta_path, json.dumps(meta, ensure_ascii=False, indent=1))


def has_build_vectors(build: Path, tag: str) -> bool:
    """Whether a build's vectors were completed under `tag` (not checked further)."""
    return _paths(build, tag)[2].is_file()


def open_build_vectors(build: Path, tag: str, rows: int, check: bool = True) -> BuildVectors:
    """Memory-map a build's vectors; VectorsUnusable saying why when they cannot be used."""
    codes_path, scale_path, meta_path = _paths(build, tag)
    if not meta_path.is_file():
        raise VectorsPending(f"semantic search is being prepared (build {build.name}, {tag})")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("tag") != tag or meta.get("rows") != rows:
            raise VectorsUnusable(
                f"the vectors of build {build.name} are for {meta.get('tag')} with "
                f"{meta.get('rows')} rows, not {tag} with {rows}: run `kb index` to redo them"
            )
        for name, (size, crc) in meta["files"].items():
            path = build / name
            if path.stat().st_size != size or (check and file_crc(path) != crc):
                raise VectorsUnusable(f"vector file {name} of build {build.name} is damaged")
        codes = np.load(codes_path, mmap_mode="r")
        scale = np.load(scale_path, mmap_mode="r")
    except VectorsUnusable:
        raise
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise VectorsUnusable(
            f"the vectors of build {build.name} cannot be read ({type(exc).__name__}: {exc}): "
            "run `kb index` to redo them"
        ) from exc
    if codes.shape[0] != rows or scale.shape != (rows,) or codes.dtype != np.int8:
        raise VectorsUnusable(f"the vectors of build {build.name} have the wrong shape")
    return BuildVectors(codes, scale, meta)
