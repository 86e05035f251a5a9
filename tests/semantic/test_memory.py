"""The question memory (kb/semantic/memory.py): recall, its features and candidates, the file."""

from __future__ import annotations

import json

import numpy as np
import pytest

from kb.semantic.encoder import Encoder
from kb.semantic.memory import (
    ABSENT,
    CLOSE,
    NOTHING,
    QuestionMemory,
    memory_path,
    read_memory,
    within,
    write_memory,
)
from kb.semantic.ranker import ranker_path


def unit(*xs: float) -> np.ndarray:
    v = np.array(xs, np.float32)
    return v / np.linalg.norm(v)


@pytest.fixture
def memory() -> QuestionMemory:
    vectors = np.array([unit(1, 0, 0), unit(1, 0.2, 0), unit(0, 1, 0), unit(0, 0, 1)])
    return QuestionMemory(vectors, [(10, 11), (12,), (), (13,)])


def test_recall_keeps_close_questions_with_answers_best_first(memory):
    assert len(memory) == 3  # a question none of whose answers is in the build is left out
    r = memory.recall(unit(1, 0.02, 0))
    assert r.answers == ((10, 11), (12,))  # (0, 0, 1) is far: its cosine is under CLOSE
    assert r.cosines[0] >= r.cosines[1] >= CLOSE
    skipped = memory.recall(unit(1, 0.02, 0), skip=np.array([True, False, False]))
    assert skipped.answers == ((12,),)
    passage_doc = np.zeros(14, np.int64)
    passage_doc[10] = 1  # passage 10 is in document row 1, the others in row 0
    kept = memory.recall(unit(1, 0.02, 0), keep=within(np.array([True, False]), passage_doc))
    assert kept.answers == ((11,), (12,))  # a passage the request may not see is dropped
    assert memory.recall(unit(1, 0.02, 0), keep=lambda a: ()).answers == ()


def test_a_message_recalls_by_its_best_sentence(memory):
    both = memory.recall(np.array([unit(0, 0.1, 1), unit(1, 0.02, 0)]))
    assert both.answers[0] == (10, 11) and (13,) in both.answers  # each row's nearest
    assert memory.recall(unit(0, 0.1, 1)).answers == ((13,),)


def test_features_and_candidates(memory):
    r = memory.recall(unit(1, 0, 0))
    assert r.candidates == (10, 11, 12)
    x = r.features(np.array([11, 12, 99]))
    assert x[0, 0] == pytest.approx(1.0) and x[0, 1] == 0.0  # answered the first recalled
    assert 0 < x[1, 0] < 1 and x[1, 1] == 1.0  # the second: log2 of place 2
    assert x[2, 0] == 0.0 and x[2, 1] == ABSENT
    assert NOTHING.candidates == () and NOTHING.features(np.array([5])).tolist() == [[0.0, ABSENT]]
    assert len(QuestionMemory(np.zeros((0, 0), np.float32), [])) == 0
    assert QuestionMemory(np.zeros((0, 0), np.float32), []).recall(unit(1, 0)) is NOTHING


def test_the_file_keeps_vectors_to_a_hundredth_and_every_reference(tmp_path):
    rng = np.random.default_rng(3)
    vectors = rng.standard_normal((5, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    refs = [[("a.md", 3)], [("b.md", 1), ("a.md", 7)], [], [("b.md", 2)], [("c.md", 10)]]
    path = tmp_path / "memory.npz"
    write_memory(path, vectors, refs, {"what": "test"})
    back, back_refs = read_memory(path)
    assert back_refs == refs
    assert np.all(np.sum(back * vectors, axis=1) > 0.99)
    assert json.loads(path.with_suffix(".json").read_text())["what"] == "test"
    path.write_bytes(b"not a memory")
    with pytest.raises((OSError, ValueError)):
        read_memory(path)


def test_the_shipped_memory_belongs_to_the_shipped_ranker_and_holds_no_text():
    tag = Encoder().question_tag
    path = memory_path(tag)
    if not ranker_path(tag).is_file():
        pytest.skip("no fusion ranker shipped for this question side")
    assert path.is_file()
    with np.load(path, allow_pickle=False) as z:
        assert set(z.files) == {"codes", "scale", "sources", "refs"}
        assert z["codes"].dtype == np.int8 and z["codes"].shape[1] == 384
    record = json.loads(path.with_suffix(".json").read_text())
    assert record["question_tag"] == tag and sum(record["questions"].values()) > 1000
    vectors, refs = read_memory(path)
    assert len(refs) == vectors.shape[0] and all(refs)
