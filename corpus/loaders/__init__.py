"""Loaders: one module per file format, each turning a file into a LoadedText."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from corpus.text import LoadedText, readable_path
from kb.errors import UnreadableDocument

Loader = Callable[[bytes, str], LoadedText]
# Laws and bulletins are at most a few hundred KB; a bigger file is not one of them (a log, a
# dump, an export gone wrong) and would take minutes and much memory to parse: it is skipped.
MAX_FILE_MB = 20
MAX_FILE_BYTES = MAX_FILE_MB * 1024 * 1024


def _registry() -> dict[str, Loader]:
    from corpus.loaders import markdown, plaintext

    table: dict[str, Loader] = {
        ".md": markdown.load,
        ".markdown": markdown.load,
        ".txt": plaintext.load,
    }
    try:  # formats added by their own modules
        from corpus.loaders import html

        table.update({".html": html.load, ".htm": html.load})
    except ImportError:
        pass
    try:
        from corpus.loaders import docx

        table[".docx"] = docx.load
    except ImportError:
        pass
    try:
        from corpus.loaders import pdf

        table[".pdf"] = pdf.load
    except ImportError:
        pass
    return table


LOADERS = _registry()
SUPPORTED_SUFFIXES = frozenset(LOADERS)


def load_text(path: Path, root: Path) -> LoadedText:
    """Read `path` (under corpus folder `root`) with the loader for its suffix.

    Raises UnreadableDocument with the relative source path and a reason when the file cannot
    be read (unsupported, larger than MAX_FILE_MB, empty, binary, truncated, encrypted …).
    """
    source = readable_path(
        path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
    )
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise UnreadableDocument(source, f"unsupported file type {path.suffix or '(none)'}")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UnreadableDocument(
                source, f"file larger than {MAX_FILE_MB} MB ({size / 1024 / 1024:.1f} MB)"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableDocument(source, f"cannot read file: {exc.strerror or exc}") from exc
    if not data.strip():
        raise UnreadableDocument(source, "empty file")
    loaded = loader(data, source)
    if not loaded.lines:
        raise UnreadableDocument(source, "no text found")
    return loaded
