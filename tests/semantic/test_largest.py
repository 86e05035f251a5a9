"""The top-k selection of the vector scan (kb.semantic.retriever.largest): the k largest keys,
as a selection among all of them gives, whatever the keys."""

from __future__ import annotations

import numpy as np
import pytest

from kb.semantic.retriever import largest


def check(key: np.ndarray, k: int) -> None:
    got = largest(key, k)
    assert got.size == min(k, key.size) and np.unique(got).size == got.size
    expected = np.sort(key)[::-1][: min(k, key.size)]
    assert np.array_equal(np.sort(key[got])[::-1], expected)  # the same values (ties aside)


@pytest.mark.parametrize("seed", range(5))
def test_the_k_largest_of_random_keys(seed):
    rng = np.random.default_rng(seed)
    key = rng.standard_normal(20_000).astype(np.float32)
    for k in (1, 7, 400, 19_999, 20_000, 30_000):
        check(key, k)


def test_filtered_tied_and_skewed_keys():
    rng = np.random.default_rng(9)
    key = rng.standard_normal(10_000).astype(np.float32)
    key[::3] = -np.inf  # rows a filter excludes
    check(key, 400)
    check(np.full(5_000, 0.5, np.float32), 400)  # all tied
    skewed = np.zeros(10_000, np.float32)
    skewed[:300] = 1.0  # fewer high keys than k, none in the sample's stride but the first
    check(skewed, 400)
    only = np.full(10_000, -np.inf, np.float32)
    only[5] = 0.2
    check(only, 400)
