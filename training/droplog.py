"""Counts of what a build kept and dropped, by reason, with a few examples of each."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

EXAMPLES = 5


@dataclass
class DropLog:
    """What happened to one source's questions and references."""

    source: str
    counts: Counter = field(default_factory=Counter)
    questions: Counter = field(default_factory=Counter)  # dropped questions by reason
    references: Counter = field(default_factory=Counter)  # dropped references by reason
    examples: dict[str, list] = field(default_factory=lambda: defaultdict(list))

    def drop_question(self, reason: str, example: dict) -> None:
        self.questions[reason] += 1
        self._example(f"question: {reason}", example)

    def drop_reference(self, reason: str, example: dict) -> None:
        self.references[reason] += 1
        self._example(f"reference: {reason}", example)

    def _example(self, key: str, example: dict) -> None:
        if len(self.examples[key]) < EXAMPLES:
            self.examples[key].append(example)

    def as_dict(self) -> dict:
        return {
            "source": self.source,
            **dict(self.counts),
            "dropped_questions": dict(self.questions.most_common()),
            "dropped_references": dict(self.references.most_common()),
            "examples": dict(self.examples),
        }

    def summary(self) -> str:
        """A few lines for the terminal."""
        c = self.counts
        lines = [
            f"{self.source}: {c['questions_kept']} of {c['questions_read']} questions kept, "
            f"{c['pairs_kept']} pairs (references mapped {c['references_mapped']} "
            f"of {c['references_read']})"
        ]
        lines += [f"  question dropped, {r}: {n}" for r, n in self.questions.most_common()]
        lines += [f"  reference dropped, {r}: {n}" for r, n in self.references.most_common()]
        return "\n".join(lines)
