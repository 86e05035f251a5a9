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


def test_matrices_of_the_shared_file_are_its_external_data(plain, tmp_path, monkeypatch):
    monkeypatch.setenv("KB_ENCODER_CACHE", str(tmp_path / "cache"))
    path = tmp_path / "lora.npz"
    random_lora(path, base_name(plain))
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
