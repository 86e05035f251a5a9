"""The exception family; the CLI and the web translate these at the edges."""


class KBError(Exception):
    """Base of every error this project raises on purpose."""

    status = 500


class BadQuery(KBError):
    """The query or one of its parameters cannot be understood."""

    status = 400


class NotFound(KBError):
    """No passage, document or citation with that identity."""

    status = 404


class IndexMissing(KBError):
    """There is no usable index at the configured place."""

    status = 503


class IndexCorrupt(IndexMissing):
    """An index exists but cannot be opened."""


class IndexBusy(KBError):
    """Another `kb index` holds the index lock."""

    status = 409


class UnreadableDocument(KBError):
    """A file cannot be loaded (binary, truncated, empty, encrypted …)."""

    status = 422

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
