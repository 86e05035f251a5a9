"""The fusion ranker's export: LightGBM's dump_model() structure to the numpy trees kb serves
(no LightGBM needed: the dump is written here as LightGBM writes it)."""

from __future__ import annotations

import numpy as np

from training.fusion.rerank import export


def split(feature: int, threshold: float, expected: float, left: dict, right: dict) -> dict:
    return {
        "split_feature": feature,
        "threshold": threshold,
        "decision_type": "<=",
        "internal_value": expected,
        "left_child": left,
        "right_child": right,
    }


def leaf(value: float) -> dict:
    return {"leaf_index": 0, "leaf_value": value}


DUMP = {
    "tree_info": [
        {"tree_structure": split(0, 1.0, 2.0, leaf(1.0), split(1, 0.5, 2.5, leaf(2.0), leaf(3.0)))},
        {"tree_structure": leaf(0.25)},  # a tree that never split
    ]
}


def test_a_dump_becomes_trees_that_score_and_explain_as_written():
    ranker = export(DUMP, ("a", "b"))
    assert ranker.roots.size == 2 and ranker.depth == 2 and ranker.inner_values
    x = np.array([[1.0, 9.0], [1.5, 0.5], [2.0, 0.6]])
    assert ranker.score(x).tolist() == [1.25, 2.25, 3.25]
    parts = ranker.contributions(x)
    assert parts.tolist() == [[-1.0, 0.0, 2.25], [0.5, -0.5, 2.25], [0.5, 0.5, 2.25]]
