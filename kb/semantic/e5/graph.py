"""The encoder's layers run by ONNX Runtime: a question in about two thirds of the time BLAS takes.

A question is about 20 tokens. For products that small BLAS spends most of its time packing each
weight matrix anew (here 20 → 12.5 ms for the layers); ONNX Runtime packs the matrices once, when
the session is made, and fuses GELU, LayerNorm and attention. The token table (4 bits) and the
pooling stay with our numpy engine (kb.semantic.e5.forward), so vectors agree with it to cosine
0.99999. Matrices mapped from a file (kb.semantic.e5.shared) are given to ONNX Runtime as that
file's external data, not copied into the graph, and packed once into a file of their own
(kb.semantic.runtime.packed_model) that every process maps: each process opens its own session,
none holds a copy of the packed matrices (85 MB), and a question goes over two cores when the
machine has one free.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np

from kb.config import CORES, WORKING_CORES
from kb.semantic.e5.forward import embed, pool
from kb.semantic.e5.weights import Weights
from kb.semantic.runtime import (
    RuntimeUnavailable,
    onnx_helpers,
    open_session,
    packed_model,
    serialised,
)

log = logging.getLogger(__name__)
OPSET = 17  # LayerNormalization
THREADS = WORKING_CORES  # a question's layers over two cores: 18 → 11 ms when one is free


class GraphEncoder:
    """`encode_batch` of kb.semantic.e5.forward, the layers run by an ONNX Runtime session."""

    def __init__(self, w: Weights):
        """Build the session for `w` (RuntimeUnavailable saying why it cannot be)."""
        self.w = w
        self._model, self._folder = _model(w)
        self._threads = 1  # unpacked, each session would pack a copy of its own
        self._sessions: dict[tuple[int, int], object] = {}
        self.engine = ""
        if self._folder is not None:
            self._use_packed()
        self._session()

    def _use_packed(self) -> None:
        """Run from the packed file, on two threads when a core is free; where it cannot be
        written or opened (damaged since), stay on the unpacked model (logged)."""
        unpacked = (self._model, self._folder)
        try:
            self._model, self._folder = packed_model(*unpacked), None
            self._threads = THREADS
            self._session()  # a damaged file fails here
        except (OSError, RuntimeUnavailable) as exc:
            log.warning("question matrices not packed to a file (%s): each process packs", exc)
            (self._model, self._folder), self._threads = unpacked, 1

    def _session(self):
        """This process's session (opened on first use) on two threads when a core is free, else
        on one: under load a helper thread only adds switching (about 5% more CPU a request)."""
        threads = self._threads if self._threads > 1 and _a_core_is_free() else 1
        # ONNX Runtime's helper threads do not survive a fork: a process forked from this one (a
        # server's worker) opens sessions of its own, from the packed file, and never closes
        # those it inherited, whose closing would wait for threads that are not there. One
        # thread has no helper to lose: then one session serves every process (a copy it
        # packed itself is shared with those forked after it).
        key = (os.getpid(), threads) if self._threads > 1 else (0, 1)
        session = self._sessions.get(key)
        if session is None:
            session, self.engine = open_session(self._model, self._folder, threads=threads)
            session = self._sessions.setdefault(key, session)
        return session

    def __call__(self, batch: list[list[int]]) -> np.ndarray:
        """L2-normalised mean-pooled embeddings (len(batch), hidden) of token id lists."""
        x, lens = embed(self.w, batch)
        length = x.shape[0] // lens.size
        bias = np.where(np.arange(length)[None, :] < lens[:, None], 0.0, -1e9).astype(np.float32)
        (y,) = self._session().run(
            None, {"x": x.reshape(lens.size, length, -1), "bias": bias[:, None, None, :]}
        )
        return pool(y, lens)


def _a_core_is_free() -> bool:
    """Whether fewer threads are ready to run on the machine than it has cores, the caller
    counted (the kernel's count of the moment, in /proc/loadavg; False where it cannot be read)."""
    try:
        with open("/proc/loadavg", "rb") as f:
            return int(f.read().split()[3].split(b"/")[0]) < CORES  # (the whole machine's)
    except (OSError, ValueError, IndexError):
        return False


def _model(w: Weights) -> tuple[bytes, Path | None]:
    """The layers as a serialised ONNX model, and the folder of the file its matrices are
    external data of (None: they are inside the model)."""
    helper, TensorProto, _ = onnx_helpers()
    g = _Graph(w.eps)
    x = "x"
    for i, ly in enumerate(w.layers):
        ctx = g.attention(g.linear(x, f"l{i}.qkv", ly.qkv_w, ly.qkv_b), w.heads, w.hidden)
        x = g.norm(g.add(g.linear(ctx, f"l{i}.ao", ly.ao_w, ly.ao_b), x), f"l{i}.aln", ly.aln)
        mid = g.gelu(g.linear(x, f"l{i}.fi", ly.fi_w, ly.fi_b))
        x = g.norm(g.add(g.linear(mid, f"l{i}.fo", ly.fo_w, ly.fo_b), x), f"l{i}.oln", ly.oln)
    g.nodes.append(helper.make_node("Identity", [x], ["y"]))
    h = w.hidden
    graph = helper.make_graph(
        g.nodes,
        "e5-layers",
        [
            helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", "length", h]),
            helper.make_tensor_value_info("bias", TensorProto.FLOAT, ["batch", 1, 1, "length"]),
        ],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", "length", h])],
        g.initializers,
    )
    return serialised(graph, {"": OPSET}), g.folder


class _Graph:
    """Nodes and initializers of the graph being built (names made unique by a counter)."""

    def __init__(self, eps: float):
        self.helper, self.TensorProto, self.numpy_helper = onnx_helpers()
        self.eps = eps
        self.nodes: list = []
        self.initializers: list = []
        self._named: set[str] = set()
        self.folder: Path | None = None

    def op(self, kind: str, inputs: list[str], **attrs) -> str:
        out = f"n{len(self.nodes)}"
        self.nodes.append(self.helper.make_node(kind, inputs, [out], **attrs))
        return out

    def const(self, name: str, value) -> str:
        """`name`, an initializer holding `value` (added the first time)."""
        if name not in self._named:
            self._named.add(name)
            self.initializers.append(self._tensor(name, np.asarray(value)))
        return name

    def add(self, a: str, b: str) -> str:
        return self.op("Add", [a, b])

    def linear(self, x: str, name: str, weight: np.ndarray, bias: np.ndarray) -> str:
        product = self.op("MatMul", [x, self.const(name + ".w", weight)])
        return self.add(product, self.const(name + ".b", bias))

    def norm(self, x: str, name: str, wb: tuple[np.ndarray, np.ndarray]) -> str:
        scale, shift = self.const(name + ".w", wb[0]), self.const(name + ".b", wb[1])
        return self.op("LayerNormalization", [x, scale, shift], axis=-1, epsilon=self.eps)

    def gelu(self, x: str) -> str:
        """0.5 x (1 + erf(x / √2)), the form ONNX Runtime fuses into one kernel."""
        erf = self.op("Erf", [self.op("Div", [x, self.const("sqrt2", np.float32(np.sqrt(2)))])])
        half = self.op("Mul", [x, self.const("half", np.float32(0.5))])
        return self.op("Mul", [half, self.add(erf, self.const("one", np.float32(1)))])

    def attention(self, qkv: str, heads: int, hidden: int) -> str:
        """Scaled dot-product attention of each head over the tokens the bias leaves open."""
        hd = hidden // heads
        split = self.op("Reshape", [qkv, self.const("qkv_shape", np.array([0, 0, 3, heads, hd]))])
        qkv5 = self.op("Transpose", [split], perm=[2, 0, 3, 1, 4])  # (3, batch, heads, length, hd)
        q, k, v = (self.op("Gather", [qkv5, self.const(f"at{j}", np.array(j))]) for j in range(3))
        scores = self.op("MatMul", [q, self.op("Transpose", [k], perm=[0, 1, 3, 2])])
        scores = self.op("Mul", [scores, self.const(f"scale{hd}", np.float32(1 / np.sqrt(hd)))])
        weights = self.op("Softmax", [self.add(scores, "bias")], axis=-1)
        ctx = self.op("Transpose", [self.op("MatMul", [weights, v])], perm=[0, 2, 1, 3])
        return self.op("Reshape", [ctx, self.const("ctx_shape", np.array([0, 0, heads * hd]))])

    def _tensor(self, name: str, a: np.ndarray):
        """An initializer: external data of the mapped file `a` lives in, else `a`'s values."""
        placed = _file_place(a)
        if placed is None or self.folder not in (None, placed[0].parent):
            a = a.astype(np.float32) if a.dtype == np.float64 else a
            return self.numpy_helper.from_array(np.require(a, requirements="C"), name)
        path, offset = placed
        self.folder = path.parent
        t = self.TensorProto(name=name, data_type=self.TensorProto.FLOAT, dims=list(a.shape))
        t.data_location = self.TensorProto.EXTERNAL
        for key, value in (("location", path.name), ("offset", offset), ("length", a.nbytes)):
            t.external_data.add(key=key, value=str(value))
        return t


def _file_place(a: np.ndarray) -> tuple[Path, int] | None:
    """(file, byte offset) of a C-contiguous float32 array that is a view of a file mapping."""
    owner = a
    while isinstance(owner.base, np.ndarray):  # views of views: up to the mapping itself
        owner = owner.base
    if not (isinstance(owner, np.memmap) and owner.filename and a.dtype == np.float32):
        return None
    if not a.flags.c_contiguous:
        return None
    return Path(owner.filename), int(owner.offset) + a.ctypes.data - owner.ctypes.data
