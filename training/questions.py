"""What a reader gives the mapping: questions with the references a dataset ties to them."""

from __future__ import annotations

from dataclasses import dataclass, field

from training.matching import Reference


@dataclass
class Question:
    """One question of a dataset and its references (before mapping)."""

    id: str
    query: str
    kind: str  # consultation | faq | stard …
    references: list[Reference]
    # references the reader itself set aside, as (reason, reference name): e.g. not cited
    set_aside: list[tuple[str, str]] = field(default_factory=list)
