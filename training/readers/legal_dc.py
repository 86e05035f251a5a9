"""legal-dc/Legal-DC: FAQ-style questions on market-regulation rules with the supporting clauses.

Each question names one document (`title`) and quotes one or more clauses (`document`) without
their article numbers: every clause is a reference to be found by its text in that document.
Questions repeated word for word are one question with their clauses pooled. Some clauses
carry line breaks written out as the two characters `\n`: they are read as line breaks.
"""

from __future__ import annotations

import json
from pathlib import Path

from training.matching import Reference, split_label
from training.questions import Question
from training.sources import LEGAL_DC, read_file

FILE = "Legal-DC/data/pro_LawQA.json"


def questions_from(rows: list[dict]) -> list[Question]:
    """One Question per distinct question text, a Reference per quoted clause."""
    out: dict[str, Question] = {}
    for n, row in enumerate(rows):
        query = row["query"].strip()
        q = out.setdefault(query, Question(f"legal-dc-{n}", query, "faq", []))
        title = row["title"].strip()
        for raw in row.get("document") or []:
            clause = raw.replace("\\n", "\n")  # some clauses carry a written-out \n
            number, text = split_label(clause)
            label = clause.lstrip()[: clause.lstrip().index("条") + 1] if number else ""
            ref = Reference(
                f"《{title}》{label or text[:12] + '…'}",
                title,
                number[0] if number else None,
                number[1] if number else 0,
                text,
            )
            if all((r.title, r.text) != (ref.title, ref.text) for r in q.references):
                q.references.append(ref)
    return list(out.values())


def read(root: Path) -> list[Question]:
    """The dataset's questions, from its repository under `root`."""
    return questions_from(json.loads(read_file(LEGAL_DC, root, FILE)))
