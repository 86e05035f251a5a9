"""Apply kb.versions to parsed documents: status, validity, and version labels in citations."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from kb.labels import render_label
from kb.models import Document
from kb.versions import resolve_versions


def multi_version_works(documents: list[Document]) -> set[str]:
    """work_keys held in more than one version (different version dates)."""
    dates: dict[str, set[str | None]] = defaultdict(set)
    for document in documents:
        dates[document.work_key].add(document.version_date)
    return {key for key, seen in dates.items() if len(seen) > 1}


def _with_version_labels(document: Document) -> Document:
    """Re-render citation labels to show the version (the work has several)."""
    if not document.version_label:
        return document
    passages = []
    for passage in document.passages:
        label = render_label(passage.citation, show_version=True)
        passages.append(
            passage
            if label == passage.citation.label
            else replace(passage, citation=replace(passage.citation, label=label))
        )
    return replace(document, passages=tuple(passages))


def apply_versions(documents: list[Document]) -> tuple[list[Document], dict[str, str]]:
    """Documents with status / valid_from / valid_to set, and the hidden duplicate copies."""
    info = resolve_versions(documents)
    several = multi_version_works(documents)
    resolved: list[Document] = []
    for document in documents:
        place = info[document.id]
        document = replace(
            document, status=place.status, valid_from=place.valid_from, valid_to=place.valid_to
        )
        if document.work_key in several:
            document = _with_version_labels(document)
        resolved.append(document)
    duplicates = {doc_id: p.duplicate_of for doc_id, p in info.items() if p.duplicate_of}
    return resolved, duplicates
