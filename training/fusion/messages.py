"""Several-issue messages made from the judged questions: a consultation often asks two or three
things at once. Each message joins 2–4 questions of one set and one fold half (so it is held out
exactly where its questions are), and every article that answers any of them answers it.

They let the ranker learn how to weigh the retrievers, and the sentences' own neighbour lists
(kb.query.sentences), when a message is long, and measure it: the public sets hold single
questions, and a ranker learned only on them trusted the lexical side on a long message.
"""

from __future__ import annotations

import random

from kb.query.parse import parse_query
from kb.search import SearchParams
from kb.search.evaluation import Judged
from training.fusion.rankings import Question

SIZES = (2, 3, 4)  # questions per message, in turn
SEED = 19
ENDS = "。？！?!；;"


def joined(texts: list[str]) -> str:
    """The questions as one message, each ending its sentence."""
    return "".join(t if t[-1] in ENDS else t + "？" for t in (t.strip() for t in texts))


def messages(snap, name: str, qs: list[Question]) -> list[Question]:
    """Messages of set `name`: its questions of each fold half, shuffled (fixed seed) and joined
    in groups of SIZES in turn; trainable when all of their questions are."""
    rng = random.Random(f"{SEED}-{name}")
    out = []
    for half in sorted({x.fold for x in qs if x.fold is not None}):
        members = [x for x in qs if x.fold == half]
        rng.shuffle(members)
        at, turn = 0, 0
        while at + SIZES[turn % len(SIZES)] <= len(members):
            group = members[at : at + SIZES[turn % len(SIZES)]]
            at, turn = at + len(group), turn + 1
            out.append(_message(snap, f"{name}×{len(out)}", group, half))
    return out


def _message(snap, id_: str, group: list[Question], half: int) -> Question:
    text = joined([x.judged.query for x in group])
    seen, relevant = set(), []
    for x in group:
        for e in x.judged.relevant:
            key = (e.get("title"), e.get("article"), e.get("snippet"))
            if key not in seen:
                seen.add(key)
                relevant.append(e)
    judged = Judged(id_, text, "message", None, tuple(relevant))
    q = parse_query(text, snap.aliases(), snap.region_names())
    ok = all(x.train_ok for x in group)
    return Question(judged, half, q, SearchParams(text, limit=100), ok)
