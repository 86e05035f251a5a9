"""Does a passage-side LoRA add to the question LoRA? A probe on a sub-corpus, before paying for
re-embeddings (issue 19: "try the passage side only if the question side leaves a measured gap").

    OPENBLAS_NUM_THREADS=2 KB_INDEX_DIR=var/index nice .venv/bin/python -m \
        training.encoder.passage_probe --mode A|A2|B [--epochs N]

Re-embedding the corpus through a passage LoRA costs a full embedding run (150k passages, about
an hour on two cores) for each LoRA, three for a 2-fold CV and the shipped one. The probe avoids
it: STARD fold 1 (training/encoder/train.py's halves and pairs) ranked over a sub-corpus S (every
answer of both halves, the test questions' lexical and semantic top 15, the training questions'
hard negatives, 5,000 random passages), whose passages' states below the LoRA layers are cached.
  A:  the question LoRA as train.py trains it (InfoNCE over all of S, base passage vectors);
  A2: the question LoRA over fresh negatives only: the batch's answers, two hard negatives per
      question and --rand random passages of S;
  B:  the question LoRA and a passage LoRA together, on A2's negatives, the passages encoded
      through the passage LoRA (A2 is B without it: the fair comparison).
Prints (and appends to var/training/passage-probe.jsonl) the test half's success@10, @100 and
MRR@10 over S, semantic ranking alone.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import time
from dataclasses import dataclass

import numpy as np
import torch

from bench.learn_related import Corpus
from bench.semantic_eval import read_folds, semantic_index, stard_folds
from bench.tune import EVAL
from indexer.embed import build_texts
from kb.search.evaluation import load_judged
from kb.semantic.encoder import Encoder
from training import WORK
from training.encoder.data import Question, matrix, questions
from training.encoder.model import E5
from training.encoder.train import _each_article, pad, pair_ids, prefixes, schedule

LAYERS = range(6, 12)  # both LoRAs, as train.py's default
SOURCES = ("lawyer-llama", "legal-dc")


@dataclass
class Probe:
    """Fold 1's questions and the sub-corpus S (docnums) with its base vectors."""

    train: list[Question]
    test: list[Question]
    hard: dict[str, list[int]]  # a training question's fixed hard negatives
    S: list[int]
    base: torch.Tensor  # S's passage vectors as the scan sees them


def load(corpus: Corpus, encoder: Encoder) -> Probe:
    """Fold 1 of STARD (and the other sources' same-fold halves) and the sub-corpus."""
    stard = load_judged([EVAL / "stard-train.jsonl"])
    index = semantic_index(corpus, encoder, False, [])
    rows, mat = matrix(index)
    where = np.full(corpus.snap.size, -1, np.int64)
    where[rows] = np.arange(rows.size)
    folds, _name = read_folds(WORK / "stard.folds.json")
    train_half, test_half = stard_folds(stard, folds)[0]
    every = questions("stard", stard, corpus, index, encoder)
    train = [q for q in every if q.id in {j.id for j in train_half}]
    test = [q for q in every if q.id in {j.id for j in test_half}]
    for name in SOURCES:
        path = WORK / f"{name}.jsonl"
        keep = pair_ids(path, "1")
        train += [
            q for q in questions(name, load_judged([path]), corpus, index, encoder) if q.id in keep
        ]
    hard = {q.id: q.lexical[:3] + q.semantic[:3] for q in train}
    S = {n for q in train + test for n in q.positives}
    S |= {n for q in test for n in q.lexical[:15] + q.semantic[:15]}
    S |= {n for ns in hard.values() for n in ns}
    S |= set(random.Random(1).sample(list(rows), 5000))
    S = sorted(n for n in S if where[n] >= 0)
    base = torch.from_numpy(mat[[where[n] for n in S]])
    print(f"{len(train)} training, {len(test)} test questions; S: {len(S)} passages", flush=True)
    return Probe(train, test, hard, S, base)


def passage_states(corpus: Corpus, encoder: Encoder, S: list[int]) -> list[torch.Tensor]:
    """The states entering the first LoRA layer of every passage of S (fp16), cached on disk."""
    digest = hashlib.blake2b(np.array(S, np.int64).tobytes(), digest_size=8).hexdigest()
    path = WORK / f"passage-probe-states-{digest}.pt"  # keyed by the passages it holds
    if path.is_file():
        return torch.load(path)
    texts = build_texts(corpus.snap.path)
    tokens = [encoder.token_ids(texts[n]) for n in S]
    model, out = E5(encoder._weights, 0), [None] * len(S)
    order = sorted(range(len(S)), key=lambda i: len(tokens[i]))
    with torch.no_grad():
        for at in range(0, len(order), 64):
            rows = order[at : at + 64]
            x, _valid = model.hidden([tokens[i] for i in rows], LAYERS[0])
            for k, i in enumerate(rows):
                out[i] = x[k, : len(tokens[i])].half().clone()
    torch.save(out, path)
    return out


def encode(model: E5, states: list[torch.Tensor], rows: list[int], grad: bool) -> torch.Tensor:
    """Vectors of `rows` from their cached states through `model`'s LoRA layers."""
    order = sorted(rows, key=lambda i: states[i].shape[0])
    out = []
    with torch.set_grad_enabled(grad):
        for at in range(0, len(order), 64):
            out.append(model.finish(*pad(states, order[at : at + 64]), LAYERS[0]))
    back = {i: k for k, i in enumerate(order)}
    return torch.cat(out)[[back[i] for i in rows]]


def batch_loss(probe: Probe, qmodel, pmodel, states, qstates, batch, rng, args) -> torch.Tensor:
    """InfoNCE of each answering article (train.py's `each` loss) of one batch."""
    qs = [probe.train[i] for i in batch]
    vec = qmodel.finish(*pad(qstates, batch), LAYERS[0])
    col = {n: i for i, n in enumerate(probe.S)}
    if args.mode == "A":
        passages, cand = probe.base, probe.S
    else:
        fresh = list(
            dict.fromkeys(n for q in qs for n in q.positives + rng.sample(probe.hard[q.id], 2))
        )
        taken = set(fresh)
        rand = [n for n in rng.sample(probe.S, args.rand) if n not in taken]
        cand = fresh + rand
        if args.mode == "A2":
            passages = probe.base[[col[n] for n in cand]]
        else:
            passages = torch.cat(
                [
                    encode(pmodel, states, [col[n] for n in fresh], True),
                    encode(pmodel, states, [col[n] for n in rand], False),
                ]
            )
    at = {n: k for k, n in enumerate(cand)}
    logits = vec @ passages.T / args.tau
    cols = [[at[n] for n in q.positives] for q in qs]
    pos = torch.zeros_like(logits, dtype=torch.bool)
    for k, c in enumerate(cols):
        pos[k, c] = True
    return _each_article(logits, pos, [q.positives for q in qs], cols)


def fit(probe: Probe, qmodel: E5, pmodel: E5 | None, states, args) -> None:
    """train.py's schedule (AdamW, linear warm-up over a tenth, linear decay), batches of 32."""
    rng = random.Random(0)
    qstates = prefixes(qmodel, probe.train, LAYERS[0])
    groups = [{"params": [p for p in qmodel.parameters() if p.requires_grad], "lr": args.lr}]
    if pmodel is not None:
        groups.append(
            {"params": [p for p in pmodel.parameters() if p.requires_grad], "lr": args.lr}
        )
    opt = torch.optim.AdamW(groups, weight_decay=0.0)
    sched = schedule(opt, args.epochs * ((len(probe.train) + 31) // 32))
    started = time.monotonic()
    for epoch in range(args.epochs):
        order = list(range(len(probe.train)))
        rng.shuffle(order)
        losses = []
        for at in range(0, len(order), 32):
            loss = batch_loss(
                probe, qmodel, pmodel, states, qstates, order[at : at + 32], rng, args
            )
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            losses.append(loss.item())
        print(
            f"epoch {epoch + 1}: loss {np.mean(losses):.3f} ({time.monotonic() - started:.0f}s)",
            flush=True,
        )


def score(probe: Probe, qmodel: E5, passages: torch.Tensor) -> dict[str, float]:
    """success@10, success@100 and MRR@10 of the test half, ranked over S."""
    qstates = prefixes(qmodel, probe.test, LAYERS[0])
    with torch.no_grad():
        vecs = torch.cat(
            [
                qmodel.finish(
                    *pad(qstates, list(range(k, min(k + 64, len(probe.test))))), LAYERS[0]
                )
                for k in range(0, len(probe.test), 64)
            ]
        )
        sims = (vecs @ passages.T).numpy()
    S, firsts = np.array(probe.S), []
    for k, q in enumerate(probe.test):
        top, answers = S[np.argsort(-sims[k])[:100]], set(q.positives)
        firsts.append(next((r for r, n in enumerate(top) if n in answers), None))
    n = len(firsts)
    return {
        "success@10": sum(r is not None and r < 10 for r in firsts) / n,
        "success@100": sum(r is not None for r in firsts) / n,
        "mrr@10": sum(1 / (r + 1) for r in firsts if r is not None and r < 10) / n,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mode", choices=("A", "A2", "B"), required=True)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--rand", type=int, default=128, help="random passages of S a batch (A2, B)")
    ap.add_argument("--tau", type=float, default=0.01)
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--passage-rank", type=int, default=16)
    args = ap.parse_args()
    torch.manual_seed(0)
    started = time.monotonic()
    corpus, encoder = Corpus(), Encoder(question_lora=None)
    probe = load(corpus, encoder)
    encoder._load("numpy")
    qmodel = E5(encoder._weights, 32, 64.0, layers=LAYERS)
    pmodel = states = None
    if args.mode == "B":
        states = passage_states(corpus, encoder, probe.S)
        pmodel = E5(encoder._weights, args.passage_rank, 2.0 * args.passage_rank, layers=LAYERS)
        with torch.no_grad():
            agree = float(
                (encode(pmodel, states, list(range(16)), False) * probe.base[:16]).sum(1).min()
            )
        print(
            f"cached passage states vs the index's vectors: lowest cosine {agree:.5f}", flush=True
        )
    fit(probe, qmodel, pmodel, states, args)
    with torch.no_grad():
        passages = (
            probe.base
            if pmodel is None
            else encode(pmodel, states, list(range(len(probe.S))), False)
        )
    result = score(probe, qmodel, passages) | {
        "S": len(probe.S),
        "seconds": round(time.monotonic() - started),
    }
    result |= {"args": vars(args)}
    print(json.dumps(result), flush=True)
    with (WORK / "passage-probe.jsonl").open("a") as f:
        f.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
