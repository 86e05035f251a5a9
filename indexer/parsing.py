"""Parse one source file for the indexer, turning every failure into a Skipped entry."""

from __future__ import annotations

import logging

from corpus.collection import parse_file
from indexer.scan import SourceFile
from kb.errors import UnreadableDocument
from kb.models import Document, Skipped

log = logging.getLogger(__name__)


def parse_or_skip(sf: SourceFile) -> tuple[Document | None, Skipped | None]:
    """(document, None) when the file parses, else (None, why it was skipped)."""
    try:
        doc = parse_file(sf.path, sf.root)
    except UnreadableDocument as exc:
        return None, Skipped(sf.source, exc.reason)
    except Exception as exc:  # one bad file must never abort the run
        log.debug("parser failed on %s", sf.source, exc_info=True)
        return None, Skipped(sf.source, f"cannot parse: {type(exc).__name__}: {exc}")
    return doc, None
