"""The question memory (kb/semantic/memory.py) as the ranker sees it in training, and the file
shipped beside the ranker.

A held-out question of fold n recalls the training half of fold n through fold n's LoRA, which
learned those questions: as a new question recalls every training question through the shipped
LoRA. A training row recalls the other training questions through the LoRA that learned none of
them, leaving out itself, the questions a message was joined from and near duplicates (the folds
keep near duplicates together, so a held-out question never meets one).
"""

from __future__ import annotations

import datetime
import hashlib

import numpy as np

from kb.compare.same_article import finder_in_every_version
from kb.search import document_mask
from kb.semantic.encoder import Encoder
from kb.semantic.memory import (
    NOTHING,
    QuestionMemory,
    Recalled,
    memory_path,
    within,
    write_memory,
)
from training.fusion import evaluate as E
from training.fusion import rankings as R

SETS = ("stard", "lawyer-llama", "legal-dc")  # the public pairs remembered (default)
NEAR_DUPLICATE = 0.97  # cosine at which a training row's remembered question counts as itself


class Memories:
    """The memories of each fold's training halves, per question side, and their recall."""

    def __init__(self, data: E.Data, sets: tuple[str, ...] = SETS):
        self.data, self.sets = data, sets
        for name in sets:  # the all-pairs LoRA's vectors (domain-dev is seen through it)
            if (name, "loraall") not in data.vecs:
                data.vecs[(name, "loraall")] = R.question_vectors(
                    name, data.qs[name], data.loras["all"]
                )
        self.refs = {name: [references(data, x) for x in data.qs[name]] for name in sets}
        # as a build finds the shipped memory's answers: in every version of their work
        find = finder_in_every_version(data.snap)
        self.found = {
            name: [tuple(n for s, a in r for n in find(s, a)) for r in refs]
            for name, refs in self.refs.items()
        }
        self._made: dict[tuple[str, str], tuple[QuestionMemory, list[str]]] = {}

    def memory(self, fold: str, side: str) -> tuple[QuestionMemory, list[str]]:
        """Fold `fold`'s training questions ("all": every trainable one) through `side`, and
        their texts (to leave a training row's own out)."""
        if (fold, side) not in self._made:
            vecs, answers, texts = [], [], []
            for name in self.sets:
                at = (
                    [i for i, x in enumerate(self.data.qs[name]) if x.train_ok]
                    if fold == "all"
                    else E.split(self.data, name, fold, "train")
                )
                for i in at:
                    if self.found[name][i]:
                        vecs.append(self.data.vecs[(name, side)][i])
                        answers.append(self.found[name][i])
                        texts.append(self.data.qs[name][i].query.text)
            self._made[(fold, side)] = (QuestionMemory(np.array(vecs), answers), texts)
        return self._made[(fold, side)]

    def recall(
        self, fold: str, side: str, x: R.Question, vec: np.ndarray, training: bool
    ) -> Recalled:
        """What a question (`x`, its vector through `side`, or its and its sentences') recalls
        of fold `fold`'s memory, its answers cut to the versions its search may show."""
        memory, texts = self.memory(fold, side)
        if not len(memory):
            return NOTHING
        skip = None
        if training:
            near = (np.atleast_2d(vec) @ memory.vectors.T).max(axis=0) >= NEAR_DUPLICATE
            skip = near | np.array([t in x.query.text for t in texts])
        rows_ok = document_mask(self.data.snap, x.query, x.params)
        return memory.recall(vec, skip, within(rows_ok, self.data.snap.passage_doc))


def references(data: E.Data, x: R.Question) -> list[tuple[str, int]]:
    """The (source file, article number) of each article answering a question."""
    return [
        (e["version_file"], int(e["article"]))
        for e in x.judged.relevant
        if e.get("article") is not None and e.get("version_file")
    ]


def ship(data: E.Data, memories: Memories) -> None:
    """Every trainable question of the remembered sets through the shipped LoRA, with its
    answers, to kb/data/question-memory-<question tag>.npz."""
    tag = Encoder(question_lora=data.loras["all"]).question_tag
    vecs, refs, counts = [], [], {}
    for name in memories.sets:
        kept = [i for i, x in enumerate(data.qs[name]) if x.train_ok and memories.found[name][i]]
        counts[name] = len(kept)
        vecs += [data.vecs[(name, "loraall")][i] for i in kept]
        refs += [memories.refs[name][i] for i in kept]
    dest = memory_path(tag)
    record = {
        "what": "vectors of public training questions (through the question LoRA) and the "
        "(source file, article number) of the articles that answered them; no question text",
        "question_tag": tag,
        "questions": counts,
        "sources": "training/SOURCES.md (the pairs of each set named under questions)",
        "lora_sha256": hashlib.sha256(data.loras["all"].read_bytes()).hexdigest(),
        "made": datetime.date.today().isoformat(),
        "made_by": "python -m training.fusion.rerank --loras var/training --write",
    }
    write_memory(dest, np.array(vecs, np.float32), refs, record)
    print(f"shipped {dest} ({dest.stat().st_size} bytes, {len(vecs)} questions)")
