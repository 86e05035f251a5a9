"""The learned fusion (issue 19): numpy trees scored as LightGBM would, a damaged or foreign
ranker file falls back to reciprocal ranks, and the shipped one is recorded beside its LoRA."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from kb.semantic.encoder import Encoder
from kb.semantic.ranker import Ranker, feature_names, load_ranker, ranker_path, read_ranker


def stump_pair() -> Ranker:
    """Two trees: x0 <= 1 → 1.0 else (x1 <= 0.5 → 2.0 else 3.0); and a single leaf 0.25. The
    inner nodes' expected outputs: 2.0 at the root, 2.5 below it."""
    return Ranker(
        features=("a", "b"),
        feature=np.array([0, -1, 1, -1, -1, -1], np.int32),
        threshold=np.array([1.0, 0, 0.5, 0, 0, 0]),
        left=np.array([1, 0, 3, 0, 0, 0], np.int32),
        right=np.array([2, 0, 4, 0, 0, 0], np.int32),
        value=np.array([2.0, 1.0, 2.5, 2.0, 3.0, 0.25]),
        roots=np.array([0, 5], np.int32),
        depth=2,
        inner_values=True,
    )


def test_trees_send_rows_left_on_less_or_equal():
    x = np.array([[1.0, 9.0], [1.5, 0.5], [2.0, 0.6]], np.float32)
    assert stump_pair().score(x).tolist() == [1.25, 2.25, 3.25]


def test_contributions_credit_each_split_and_add_up_to_the_score():
    x = np.array([[1.0, 9.0], [1.5, 0.5], [2.0, 0.6]])
    parts = stump_pair().contributions(x)
    assert parts.tolist() == [[-1.0, 0.0, 2.25], [0.5, -0.5, 2.25], [0.5, 0.5, 2.25]]
    assert np.allclose(parts.sum(axis=1), stump_pair().score(x))
    assert dataclasses.replace(stump_pair(), inner_values=False).contributions(x) is None


def test_a_ranker_file_round_trips_and_is_checked(tmp_path):
    path = tmp_path / "r.npz"
    np.savez(path, **stump_pair().arrays())
    again = read_ranker(path)
    assert again.features == ("a", "b") and again.depth == 2 and again.inner_values
    x = np.array([[0.0, 0.0], [5.0, 5.0]])
    assert np.array_equal(again.score(x), stump_pair().score(x))
    bad = stump_pair().arrays() | {"feature": np.array([0, -1, 7, -1, -1, -1], np.int32)}
    np.savez(path, **bad)
    with pytest.raises(ValueError):
        read_ranker(path)


@pytest.mark.parametrize("damage", ["garbage", "other features"])
def test_a_damaged_or_foreign_ranker_is_not_used(tmp_path, monkeypatch, damage, caplog):
    import kb.semantic.ranker as module

    path = tmp_path / "fusion-ranker-x.npz"
    if damage == "garbage":
        path.write_bytes(b"not a zip")
    else:
        np.savez(path, **stump_pair().arrays())
    monkeypatch.setattr(module, "ranker_path", lambda tag: path)
    assert load_ranker("x", feature_names(1)) is None
    assert any("fusion ranker" in r.getMessage() for r in caplog.records)


def test_the_shipped_ranker_reads_the_shipped_question_side():
    encoder = Encoder()
    path = ranker_path(encoder.question_tag)
    if not path.is_file():
        pytest.skip("no fusion ranker shipped for this question side")
    ranker = load_ranker(encoder.question_tag, feature_names(1))
    assert ranker is not None and ranker.roots.size > 0
    record = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    assert record["question_tag"] == encoder.question_tag
    assert record["features"] == list(feature_names(1))
    assert {"params", "trained_on", "cross_validated", "versions"} <= set(record)
    assert path.stat().st_size < 200_000  # ships small


def test_onnx_runtime_scores_as_the_trees_are_walked():
    shipped = load_ranker(Encoder().question_tag, feature_names(1))
    if shipped is None:
        pytest.skip("no fusion ranker shipped for this question side")
    rng = np.random.default_rng(5)
    x = rng.standard_normal((300, len(shipped.features))).astype(np.float32)
    x[:, 5] = np.round(x[:, 5])  # values on thresholds too
    assert shipped._compiled is not None
    fast, walked = shipped.score(x), shipped.walked(x)
    assert fast.dtype == np.float64 and np.abs(fast - walked).max() < 1e-4
    # a float32 feature goes the same way as against the float64 threshold
    t = 0.1  # not a float32
    r = dataclasses.replace(stump_pair(), threshold=np.array([t, 0, 0.5, 0, 0, 0]))
    above = np.float32(t)  # float32(0.1) is a little over 0.1
    below = np.nextafter(above, np.float32(0))
    near = np.array([[below, 0.0], [above, 0.0]], np.float32)
    assert r.walked(near).tolist() == [1.25, 2.25]  # the two sides of the threshold
    assert r.score(near).tolist() == [1.25, 2.25]


def test_the_trees_model_asks_only_for_the_ir_version_its_opsets_need():
    import onnx

    from kb.semantic.forest import _model

    r = stump_pair()
    bytes_ = _model(len(r.features), r.feature, r.threshold, r.left, r.right, r.value, r.roots)
    assert onnx.load_from_string(bytes_).ir_version == 8  # older onnxruntimes read it too


def test_without_onnxruntime_the_trees_are_walked(monkeypatch, caplog):
    import sys

    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    r = stump_pair()
    assert r._compiled is None and "numpy" in caplog.text
    x = np.array([[1.0, 9.0], [1.5, 0.5], [2.0, 0.6]], np.float32)
    assert r.score(x).tolist() == [1.25, 2.25, 3.25]
