"""Questions through ONNX Runtime (kb.semantic.e5.graph): the numpy engine's vectors, matrices of
the shared file read as its external data, and the numpy engine when onnxruntime cannot load."""

from __future__ import annotations

import logging
import sys

import numpy as np
import pytest

from kb.semantic.e5.forward import encode_batch
from kb.semantic.e5.graph import GraphEncoder, _model
from kb.semantic.encoder import Encoder
from tests.semantic.test_question_lora import QUESTIONS, base_name, random_lora

TEXTS = [
    "代表",
    "快递在路上丢了，快递公司要不要赔？",
    "第二十条 县级以上的地方各级人民代表大会常务委员会组织和领导本级人民代表大会代表的选举。" * 4,
]


@pytest.fixture(scope="module")
def plain():
    encoder = Encoder(question_lora=None)
    encoder._load("numpy")
    return encoder


def test_the_graph_gives_the_numpy_engines_vectors_for_padded_batches(plain):
    tokens = [plain.token_ids(t, is_query=True) for t in TEXTS]
    graph = GraphEncoder(plain._weights)  # matrices in this process: inside the graph
    ours = graph(tokens)  # one batch, padded to the longest
    theirs = np.array([encode_batch(plain._weights, [t])[0] for t in tokens])
    assert ours.shape == (3, 384) and ours.dtype == np.float32
    assert float((ours * theirs).sum(1).min()) > 0.99999
    assert np.allclose(np.linalg.norm(ours, axis=1), 1, atol=1e-5)
    assert graph.engine.startswith("onnxruntime ")


def test_matrices_of_the_shared_file_are_its_external_data(tmp_path, cached_lora):
    path = cached_lora
    tuned = Encoder(question_lora=path)
    assert tuned.info()["question_engine"] is None  # not loaded yet
    tuned.questions(QUESTIONS[:1])
    assert tuned.info()["question_engine"].startswith("onnxruntime ")
    model, folder = _model(tuned._qweights)
    assert folder == tmp_path / "cache"
    assert len(model) < 1_000_000  # 85 MB of matrices are referenced, not copied

    import onnx

    loaded = onnx.load_from_string(model)
    assert loaded.ir_version == 8  # what opset 17 needs: onnxruntime 1.23 (Python 3.10) reads it
    graph = loaded.graph
    external = [t.name for t in graph.initializer if t.data_location == onnx.TensorProto.EXTERNAL]
    assert len(external) == 4 * 12  # q/k/v, attention out, feed-forward in and out of each layer


def test_without_onnxruntime_questions_go_through_numpy(plain, tmp_path, monkeypatch, caplog):
    path = tmp_path / "lora.npz"
    random_lora(path, base_name(plain))
    expected = Encoder(question_lora=path).questions(QUESTIONS)
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import fails as when not installed
    with caplog.at_level(logging.WARNING, logger="kb.semantic.encoder"):
        fallback = Encoder(question_lora=path)
        got = fallback.questions(QUESTIONS)
    assert fallback.info()["question_engine"] == "numpy"
    assert "numpy engine" in caplog.text and "onnxruntime" in caplog.text
    assert float((got * expected).sum(1).min()) > 0.99999
    assert np.allclose(fallback.query(QUESTIONS[0]), got[0], atol=1e-6)


def _anonymous_mb() -> float:
    rollup = open("/proc/self/smaps_rollup").read()
    return int(rollup.split("Anonymous:")[1].split()[0]) / 1024


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork, /proc")
def test_the_packed_matrices_are_one_file_every_process_maps(tmp_path, cached_lora):
    import os

    path = cached_lora
    tuned = Encoder(question_lora=path)
    expected = tuned.questions(QUESTIONS)
    packed = sorted((tmp_path / "cache").glob("packed-*/model.onnx"))
    assert len(packed) == 1 and not list((tmp_path / "cache").glob("*.part*"))
    written = packed[0].stat().st_mtime_ns
    again = GraphEncoder(tuned._qweights)  # a second process's encoder: the same file, kept
    assert packed[0].stat().st_mtime_ns == written
    tokens = [tuned.token_ids(q, is_query=True) for q in QUESTIONS[:1]]
    assert float(again(tokens)[0] @ expected[0]) > 0.99999

    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # a server's worker: its own session, on threads of its own, no copy
        try:
            before = _anonymous_mb()
            got = tuned._qforward(tokens)[0]
            grown = _anonymous_mb() - before
            mine = [k for k in tuned._qforward._sessions if k[0] == os.getpid()]
            ok = float(got @ expected[0]) > 0.99999 and len(mine) == 1
            os.write(write, f"{int(ok)} {grown:.1f}".encode())
        finally:
            os._exit(0)
    os.close(write)
    ok, grown = os.read(read, 100).decode().split()
    os.waitpid(child, 0)
    assert ok == "1"
    assert float(grown) < 40  # the packed matrices are 85 MB


def test_questions_go_unpacked_when_the_packed_file_cannot_be_written(
    tmp_path, monkeypatch, caplog, cached_lora
):
    import kb.semantic.runtime as runtime

    path = cached_lora
    expected = Encoder(question_lora=path).questions(QUESTIONS)
    for packed in (tmp_path / "cache").glob("packed-*"):
        for f in packed.iterdir():
            f.unlink()
        packed.rmdir()

    def refuse(**_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(runtime.tempfile, "mkdtemp", refuse)
    with caplog.at_level(logging.WARNING, logger="kb.semantic.e5.graph"):
        unpacked = Encoder(question_lora=path)
        got = unpacked.questions(QUESTIONS)
    assert "not packed" in caplog.text and "No space left" in caplog.text
    assert unpacked.info()["question_engine"].startswith("onnxruntime ")
    assert list(unpacked._qforward._sessions) == [(0, 1)]  # one session, on one thread, for all
    assert float((got * expected).sum(1).min()) > 0.99999


def test_a_question_goes_over_two_cores_only_when_one_is_free(monkeypatch, cached_lora):
    import os

    import kb.semantic.e5.graph as graph

    path = cached_lora
    tuned = Encoder(question_lora=path)
    tuned.questions(QUESTIONS[:1])
    forward = tuned._qforward
    assert isinstance(graph._a_core_is_free(), bool)
    vectors = {}
    for free in (True, False):
        monkeypatch.setattr(graph, "_a_core_is_free", lambda free=free: free)
        vectors[free] = forward([tuned.token_ids(q, is_query=True) for q in QUESTIONS[:2]])
    assert np.allclose(vectors[True], vectors[False], atol=1e-5)
    threads = sorted(t for pid, t in forward._sessions if pid == os.getpid())
    assert threads == sorted({1, graph.THREADS})


def test_a_damaged_packed_file_leaves_questions_unpacked(cached_lora, caplog):
    expected = Encoder(question_lora=cached_lora).questions(QUESTIONS)
    (data,) = cached_lora.parent.glob("cache/packed-*/model.data")
    data.write_bytes(data.read_bytes()[:1000])  # cut short after it was written
    with caplog.at_level(logging.WARNING, logger="kb.semantic.e5.graph"):
        damaged = Encoder(question_lora=cached_lora)
        got = damaged.questions(QUESTIONS)
    assert "not packed" in caplog.text
    assert damaged.info()["question_engine"].startswith("onnxruntime ")
    assert list(damaged._qforward._sessions) == [(0, 1)]
    assert float((got * expected).sum(1).min()) > 0.99999
