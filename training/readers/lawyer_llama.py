"""AndrewZhe/lawyer-llama: consultations with three retrieved 民法典 articles and an answer.

The retriever's articles are noisy: an article is kept only where the answer (every lawyer turn
of a multi-turn dialogue) cites it. The multi-turn file repeats questions of the single-turn
one; a question met twice is one question whose citations are pooled.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from training.citations import cited, cites
from training.matching import Reference
from training.normalise import article_number
from training.questions import Question
from training.sources import LAWYER_LLAMA, read_file

FILES = {  # file → short name used in question ids
    "data/legal_counsel_with_article_v2.json": "counsel",
    "data/legal_counsel_multi_turn_with_article_v2.json": "counsel",
    "data/zixun_gpt4.json": "zixun",
}
_LAW = re.compile(r"^《([^》]+)》(第[^条：:]{1,12}条(?:之[^：:]{1,4})?)[：:](.*)$", re.S)
_LAWYER_TURN = "[律师]"


def parse_law(text: str) -> Reference | None:
    """《民法典》第一千零七十六条：… → Reference; None when not in that form."""
    m = _LAW.match(text.strip())
    number = article_number(m.group(2)) if m else None
    if m is None or number is None:
        return None
    return Reference(f"《{m.group(1)}》{m.group(2)}", m.group(1), number[0], number[1], m.group(3))


def answer_of(row: dict) -> str:
    """The answer: `response`, or every lawyer turn of a multi-turn `history`."""
    if "response" in row:
        return row["response"]
    turns = row.get("history") or []
    return "\n".join(t for t in turns if t.startswith(_LAWYER_TURN))


def questions_from(rows_by_file: dict[str, list[dict]]) -> list[Question]:
    """Questions with the articles their answers cite; laws not cited are set aside."""
    out: dict[str, Question] = {}
    for path, rows in rows_by_file.items():
        tag = FILES.get(path, Path(path).stem)
        for n, row in enumerate(rows):
            query = row["query"].strip()
            known = out.get(query)
            q = known or Question(f"lawyer-llama-{tag}-{n}", query, "consultation", [])
            answer = cited(answer_of(row))
            for law in row.get("laws", []):
                ref = parse_law(law)
                if ref is None:
                    q.set_aside.append(("law not in 《title》第X条：text form", law[:40]))
                elif cites(answer, ref.title, ref.article, ref.suffix):
                    if all(r.name != ref.name for r in q.references):
                        q.references.append(ref)
                else:
                    q.set_aside.append(("not cited by the answer", ref.name))
            out[query] = q
    for q in out.values():  # an article cited in one answer was not 'left uncited' by the other
        names = {r.name for r in q.references}
        q.set_aside = list(dict.fromkeys(x for x in q.set_aside if x[1] not in names))
    return list(out.values())


def read(root: Path) -> list[Question]:
    """The dataset's questions, from its repository under `root`."""
    rows = {path: json.loads(read_file(LAWYER_LLAMA, root, path)) for path in FILES}
    return questions_from(rows)
