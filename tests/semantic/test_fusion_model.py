"""The learned fusion (kb/semantic/learned.py) and long questions (kb/query/clauses.py): the shipped
model loads, a damaged one leaves fusion to reciprocal ranks with a message, no trust in the
semantic side moves a cited article from the first place, and a long question is cut into its
sentences, each embedded beside the whole."""

from __future__ import annotations

import json

import numpy as np
import pytest

from kb.engine.policy import POLICY
from kb.query.clauses import clauses
from kb.query.parse import parse_query
from kb.search import SearchParams, question_vectors, rank
from kb.semantic import learned
from kb.semantic.encoder import Encoder
from kb.semantic.fusion import FUSION, fuse
from kb.semantic.learned import CANDIDATE, QUESTION, FusionModel, load_model, model_path
from kb.semantic.retriever import Neighbours, SemanticIndex, SemanticLayer

LONG = "你好！我和丈夫结婚十年，去年他开始赌博欠了很多钱。债主现在找我要钱，我需要还吗？离婚的话孩子归谁？"


@pytest.fixture(scope="module")
def shipped() -> FusionModel:
    model, note = load_model(model_path(Encoder().tag))
    assert model is not None, note
    return model


def test_the_shipped_fusion_model_loads(shipped):
    assert shipped.weights.shape == (len(CANDIDATE), len(QUESTION))
    assert shipped.info["trained_on"].startswith("stard-train")
    assert np.isfinite(shipped.weights).all()


def _damaged(text: str, damage: str) -> str:
    obj = json.loads(text)
    if damage == "garbage":
        return "\x00not json"
    if damage == "truncated":
        return text[: len(text) // 2]
    if damage == "not finite":
        obj["weights"][0][0] = float("nan")
    elif damage == "other features":
        obj["candidate"] = obj["candidate"][:-1]
    elif damage == "wrong shape":
        obj["weights"] = obj["weights"][:-1]
    return json.dumps(obj)


@pytest.mark.parametrize(
    "damage", ["garbage", "truncated", "not finite", "other features", "wrong shape"]
)
def test_a_damaged_fusion_model_falls_back_to_reciprocal_ranks_with_a_message(
    tmp_path, monkeypatch, caplog, damage
):
    path = tmp_path / "fusion.json"
    path.write_text(_damaged(model_path(Encoder().tag).read_text(), damage), encoding="utf-8")
    model, note = load_model(path)
    assert model is None
    assert "unusable" in note and "reciprocal-rank fusion" in note
    assert "unusable" in caplog.text  # logged for the operator too
    monkeypatch.setattr(learned, "model_path", lambda tag: path)
    import kb.semantic.retriever as retriever

    monkeypatch.setattr(retriever, "model_path", lambda tag: path)
    layer = SemanticLayer(tmp_path)
    assert layer.fusion_model() == (None, note)


def test_a_missing_fusion_model_says_so(tmp_path):
    model, note = load_model(tmp_path / "none.json")
    assert model is None and "no fusion model" in note


def _all_on_semantic() -> FusionModel:
    """A model that trusts the semantic ranks alone, and more the longer the question."""
    w = np.zeros((len(CANDIDATE), len(QUESTION)))
    w[CANDIDATE.index("sem_rr5"), 0] = 1000.0
    w[CANDIDATE.index("sem_rr5"), QUESTION.index("length")] = 1000.0
    w[CANDIDATE.index("lex_rr5"), 0] = -1000.0
    return FusionModel(w, np.zeros(len(QUESTION)), np.ones(len(QUESTION)), {})


@pytest.mark.parametrize("which", ["shipped", "all on semantic"])
def test_no_trust_moves_a_cited_article_from_the_first_place(library, shipped, which):
    snap = library.snapshot()
    model = shipped if which == "shipped" else _all_on_semantic()
    for query in ("选举法第三十条", "选举法第三十条 选民登记怎么办理"):
        q = parse_query(query, snap.aliases(), snap.region_names())
        ranking = rank(snap, q, SearchParams(query, limit=10), POLICY)
        cited = ranking.order[0]
        assert ranking.matched[cited] == "citation"
        others = [n for n in range(snap.size) if snap.alive[n] and n != cited][:300]
        near = Neighbours(np.array(others[::-1]), np.linspace(0.95, 0.7, len(others)))
        fused, retrieval = fuse(snap, ranking, near, "hybrid", POLICY, FUSION, model, q)
        assert fused.order[0] == cited, query
        assert set(fused.order) >= set(others)  # and every candidate was ranked


def test_the_model_scores_candidates_by_its_weights(shipped):
    lex, sem = [1, 2, 3], [3, 4]
    scores = learned.learned_scores(
        _all_on_semantic(), 30, 3, 0.5, lex, [3.0, 2.0, 1.0], sem, np.array([0.9, 0.8])
    )
    ranked = sorted(scores, key=lambda n: -scores[n])
    assert set(ranked[:2]) == {3, 4} and ranked[-1] == 1  # the semantic ones lead
    assert set(
        learned.learned_scores(shipped, 30, 3, 0.5, lex, [3.0, 2.0, 1.0], sem, np.array([0.9, 0.8]))
    ) == {1, 2, 3, 4}


def test_a_long_question_is_cut_into_its_last_sentences():
    assert clauses(LONG) == (
        "我和丈夫结婚十年，去年他开始赌博欠了很多钱",
        "债主现在找我要钱，我需要还吗",
        "离婚的话孩子归谁",
    )
    assert clauses("夫妻一方婚前的房子离婚时怎么分？") == ()  # short: one thought
    one = "我和丈夫结婚十年，去年他开始赌博欠了很多钱，债主现在找我要钱，我是否需要替他还钱"
    assert clauses(one) == ()  # long, but a single sentence
    many = "。".join(f"第{i}件事情说得很清楚了" for i in "一二三四五")
    assert len(clauses(many)) == 3 and clauses(many)[-1].startswith("第五")
    assert clauses(
        "好的。我想问一下，我丈夫在外面欠的钱需要我来还吗？还有孩子的抚养费每个月应该怎么算"
    ) == (
        "好的，我想问一下，我丈夫在外面欠的钱需要我来还吗",  # a short piece joins the next
        "还有孩子的抚养费每个月应该怎么算",
    )


def test_a_long_question_is_embedded_whole_and_by_sentence(tmp_path, monkeypatch):
    import kb.search

    layer = SemanticLayer(tmp_path)
    assert question_vectors(layer, LONG).shape == (384,)  # off by default (no measured gain)
    monkeypatch.setattr(kb.search, "SPLIT_LONG_QUESTIONS", True)
    vecs = question_vectors(layer, LONG)
    assert vecs.shape == (4, 384)
    assert np.allclose(vecs[0], layer.question_vector(LONG))
    assert np.allclose(vecs[3], layer.question_vector("离婚的话孩子归谁"))
    assert question_vectors(layer, "离婚的话孩子归谁？").shape == (384,)


def test_several_question_vectors_keep_each_passage_s_best_cosine():
    rows = np.eye(4, 384, dtype=np.float32)
    index = SemanticIndex((rows * 127).astype(np.int8), np.full(4, 1 / 127, np.float32))
    both = np.stack([rows[1], rows[2]])
    near = index.nearest(both, None, 2)
    assert sorted(near.docnums.tolist()) == [1, 2]
    assert np.allclose(near.cosines, 1.0, atol=0.01)
