"""Several-issue messages for the ranker (training/fusion/messages.py): questions of one fold
half joined 2–4 at a time, answered by every article of any of them."""

from __future__ import annotations

import unicodedata

from kb.search.evaluation import Judged
from training.fusion.messages import SIZES, joined, messages
from training.fusion.rankings import Question


def question(i: int, fold: int | None, ok: bool = True) -> Question:
    judged = Judged(
        f"q{i}", f"第{i}个问题怎么办", "consultation", None, ({"title": "法", "article": i},)
    )
    return Question(judged, fold, None, None, ok)


def test_each_message_joins_questions_of_one_half_and_all_their_answers(library):
    snap = library.snapshot()
    qs = [question(i, i % 2, ok=i != 3) for i in range(1, 25)] + [question(99, None)]
    out = messages(snap, "set", qs)
    used = []
    for m in out:
        articles = [e["article"] for e in m.judged.relevant]
        assert len(articles) in SIZES and {a % 2 for a in articles} == {m.fold}
        assert all(f"第{a}个问题怎么办？" in m.judged.query for a in articles)
        assert m.train_ok == (3 not in articles)
        assert m.query.text == unicodedata.normalize("NFKC", m.judged.query)  # parsed as asked
        assert m.judged.kind == "message"
        used += articles
    assert len(used) == len(set(used)) and 99 not in used  # each question once; no fold, none
    assert len(used) >= 24 - 2 * max(SIZES)  # at most a short remainder per half is left out
    again = messages(snap, "set", qs)
    assert [m.judged.query for m in again] == [m.judged.query for m in out]  # fixed seed


def test_joined_questions_each_end_their_sentence():
    assert (
        joined(["能离婚吗", "孩子归谁？", " 财产怎么分。 "]) == "能离婚吗？孩子归谁？财产怎么分。"
    )
