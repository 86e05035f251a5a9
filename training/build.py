"""The build: every source's questions → pairs on our corpus, STARD kept out, folds assigned.

For each source: questions that duplicate (exactly or nearly) any STARD question are removed
(STARD train is our own training data under its own name, its other questions are held out);
each remaining reference is mapped onto the corpus (training.matching); a question is kept with
the references that mapped, and dropped when none did. STARD train is taken from
stard-train.jsonl as it is, each entry checked against the corpus (its snippet inside its
article of its version_file), less the questions that duplicate a held-out STARD question.
Snippets are chosen for the new entries (training.snippets), passage ids added everywhere, and
folds assigned over all sources at once (training.folds). Output: <out>/<source>.jsonl,
<out>/<source>.log.json and <out>/<source>.folds.json (every question's fold, the ones dropped as
held-out duplicates included and listed under never_train).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from training import folds, snippets
from training.articles import Article, ArticleTable
from training.dedupe import QuestionIndex
from training.droplog import DropLog
from training.matching import Match, Miss, Reference, match_reference
from training.questions import Question
from training.readers import lawyer_llama, legal_dc, stard

READERS: dict[str, Callable[[Path], list[Question]]] = {
    "lawyer-llama": lawyer_llama.read,
    "legal-dc": legal_dc.read,
}


@dataclass
class Built:
    """One source's kept records, its log, and the entries still waiting for a snippet."""

    source: str
    records: list[dict] = field(default_factory=list)
    log: DropLog | None = None
    pending: list[tuple[dict, Article]] = field(default_factory=list)
    # questions of the source never to be trained on (STARD train questions that duplicate a
    # held-out one): they still get a fold, so that a benchmark over the whole source can test
    # them in one half and never train on them
    never_train: list[tuple[str, str]] = field(default_factory=list)
    folds: dict[str, int] = field(default_factory=dict)  # every question's fold, id → fold


def _dup_example(qid: str, query: str, dup) -> dict:
    return {
        "id": qid,
        "query": query,
        "stard_id": dup.id,
        "stard_query": dup.query,
        "jaccard": round(dup.overlap.jaccard, 3),
        "containment": round(dup.overlap.containment, 3),
    }


def _entry(ref: Reference, m: Match, table: ArticleTable) -> dict:
    a = m.article
    e = {
        "title": a.title,
        "article": a.article,
        "version_file": a.source,
        "similarity": round(m.similarity, 3),
        "coverage": round(m.coverage, 3),
        "passage_id": a.passage_id,
        "passage_ids": table.same_text(a),
        "source_name": ref.name,
    }
    notes = [n for n, on in (("partial_quote", m.partial), ("renumbered", m.renumbered)) if on]
    if notes:
        e["note"] = ",".join(notes)
    return e


def _miss_example(q: Question, ref: Reference, miss: Miss) -> dict:
    ex = {"id": q.id, "query": q.query[:80], "reference": ref.name, "quote": ref.text[:60]}
    if miss.closest is not None:
        c = miss.closest
        ex["closest"] = {
            "version_file": c.article.source,
            "article": c.article.article,
            "similarity": round(c.similarity, 3),
            "coverage": round(c.coverage, 3),
        }
    return ex


def map_source(
    name: str, questions: list[Question], table: ArticleTable, stard_all: QuestionIndex
) -> Built:
    """Dedupe against STARD and map one source's questions onto the corpus."""
    log, built = DropLog(name), Built(name)
    built.log = log
    log.counts.update(questions_read=len(questions))
    for q in questions:
        dups = stard_all.duplicates(q.query)
        if dups:
            kind = "exact" if dups[0].overlap.exact else "near"
            log.drop_question(
                f"duplicate of a STARD question ({kind})", _dup_example(q.id, q.query, dups[0])
            )
            continue
        entries, misses = _map_question(q, table, log)
        if not entries:
            reason = "no reference mapped onto the corpus" if q.references else "no cited article"
            log.drop_question(reason, {"id": q.id, "query": q.query[:80]})
            continue
        relevant = [e for e, _ in entries]
        built.records.append(
            {"id": q.id, "query": q.query, "kind": q.kind, "relevant": relevant, "unmapped": misses}
        )
        built.pending.extend(entries)
    return built


def _map_question(
    q: Question, table: ArticleTable, log: DropLog
) -> tuple[list[tuple[dict, Article]], int]:
    """The entries of one question (one per article) and how many references did not map."""
    log.counts.update(references_read=len(q.references) + len(q.set_aside))
    for reason, ref_name in q.set_aside:
        log.drop_reference(reason, {"id": q.id, "query": q.query[:80], "reference": ref_name})
    entries, seen, misses = [], set(), 0
    for ref in q.references:
        found = match_reference(table, ref)
        if isinstance(found, Miss):
            log.drop_reference(found.reason, _miss_example(q, ref, found))
            misses += 1
            continue
        log.counts.update(references_mapped=1)
        if found.article.key not in seen:  # two clauses of one article are one entry
            seen.add(found.article.key)
            entries.append((_entry(ref, found, table), found.article))
    return entries, misses


def stard_source(path: Path, table: ArticleTable, held_out: QuestionIndex) -> Built:
    """STARD train as it is, each entry verified on the corpus, held-out duplicates removed."""
    log, built = DropLog("stard"), Built("stard")
    built.log = log
    by_place = {(a.source, a.article): a for a in table.articles if a.suffix == 0}
    records = stard.train_records(path)
    log.counts.update(questions_read=len(records))
    for r in records:
        dups = held_out.duplicates(r["query"])
        if dups:
            kind = "exact" if dups[0].overlap.exact else "near"
            ex = _dup_example(r["id"], r["query"], dups[0])
            built.never_train.append((r["id"], r["query"]))
            log.drop_question(f"duplicate of a held-out STARD question ({kind})", ex)
            continue
        log.counts.update(references_read=len(r["relevant"]))
        bad = [e for e in r["relevant"] if not _verified(e, by_place)]
        for e in bad:
            log.drop_reference("snippet not in the article of version_file", {"id": r["id"], **e})
        if bad:
            log.drop_question("an entry failed verification", {"id": r["id"], "query": r["query"]})
            continue
        for e in r["relevant"]:
            a = by_place[(e["version_file"], e["article"])]
            e["passage_id"], e["passage_ids"] = a.passage_id, table.same_text(a)
        log.counts.update(references_mapped=len(r["relevant"]))
        built.records.append({**r, "kind": "stard", "unmapped": 0})
    return built


def _verified(entry: dict, by_place: dict) -> bool:
    a = by_place.get((entry.get("version_file"), entry.get("article")))
    return a is not None and any(entry["snippet"] in p for p in a.paragraphs)


def add_snippets(built: list[Built], table: ArticleTable) -> None:
    """Choose every pending entry's snippet in one pass over the corpus."""
    pending = [p for b in built for p in b.pending]
    wanted = {w for _, a in pending for w in snippets.windows(a)}
    where = snippets.occurrences(wanted, table.articles)
    for b in built:
        for entry, article in b.pending:
            chosen = snippets.choose(article, where)
            entry["snippet"], entry["snippet_unique"] = chosen if chosen else ("", False)
        b.pending = []
        for r in b.records:  # the order of stard-train.jsonl's fields, ours after them
            r["relevant"] = [_ordered(e) for e in r["relevant"]]


_FIELDS = ("title", "article", "version_file", "snippet", "snippet_unique", "similarity")


def _ordered(entry: dict) -> dict:
    return {**{k: entry[k] for k in _FIELDS if k in entry}, **entry}


def add_folds(built: list[Built]) -> None:
    """Folds over every source at once, so a question and its duplicates share one."""
    questions = [(r["id"], r["query"]) for b in built for r in b.records]
    keys = folds.groups(questions + [q for b in built for q in b.never_train])
    for b in built:
        for r in b.records:
            r["fold"], r["group"] = folds.fold_of(keys[r["id"]]), folds.group_id(keys[r["id"]])
        every = [r["id"] for r in b.records] + [qid for qid, _ in b.never_train]
        b.folds = {qid: folds.fold_of(keys[qid]) for qid in every}
        b.log.counts.update(
            questions_kept=len(b.records),
            pairs_kept=sum(len(r["relevant"]) for r in b.records),
            fold_0=sum(r["fold"] == 0 for r in b.records),
            fold_1=sum(r["fold"] == 1 for r in b.records),
            groups=len({r["group"] for r in b.records}),
        )


def write(built: Built, out: Path) -> Path:
    """<out>/<source>.jsonl and its log."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{built.source}.jsonl"
    lines = [json.dumps(_head(r), ensure_ascii=False) for r in built.records]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    log = json.dumps(built.log.as_dict(), ensure_ascii=False, indent=1)
    split = {"folds": built.folds, "never_train": [qid for qid, _ in built.never_train]}
    (out / f"{built.source}.folds.json").write_text(
        json.dumps(split, indent=0) + "\n", encoding="utf-8"
    )
    (out / f"{built.source}.log.json").write_text(log + "\n", encoding="utf-8")
    return path


def _head(record: dict) -> dict:
    first = ("id", "query", "kind", "fold", "group", "unmapped")
    return {**{k: record[k] for k in first if k in record}, **record}


def build(
    sources_root: Path,
    out: Path,
    corpus_dirs: list[Path],
    stard_train: Path,
    only: list[str] | None = None,
    progress: Callable[[str], None] = print,
) -> list[Built]:
    """Build every source (or `only` these) and write them to `out`."""
    progress(f"parsing the corpus ({', '.join(map(str, corpus_dirs))})")
    table = ArticleTable.from_corpus(corpus_dirs)
    stard_all = QuestionIndex(stard.all_questions(sources_root))
    held_out = QuestionIndex(stard.held_out(sources_root))
    progress(
        f"{len(table.articles)} passages; {len(stard_all)} STARD questions, {len(held_out)} held out"
    )
    built = []
    for name in only or [*READERS, "stard"]:
        if name == "stard":
            built.append(stard_source(stard_train, table, held_out))
        else:
            built.append(map_source(name, READERS[name](sources_root), table, stard_all))
        progress(f"{name}: mapped")
    add_snippets(built, table)
    progress("snippets chosen")
    add_folds(built)
    for b in built:
        path = write(b, out)
        progress(b.log.summary() + f"\n  → {path}")
    return built
