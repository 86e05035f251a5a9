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


class NotSignedIn(KBError):
    """The request carries no credentials (or ones that are invalid, revoked or expired)."""

    status = 401


class NotAllowed(KBError):
    """The caller is known but their role does not allow this."""

    status = 403


class Conflict(KBError):
    """The request clashes with what the collection holds (a duplicate, a busy name …)."""

    status = 409


class TooLarge(KBError):
    """An upload beyond the size, page or archive limits."""

    status = 413


class Unsupported(KBError):
    """An upload whose content is not a format the loaders read."""

    status = 415


class Throttled(KBError):
    """Too many failed sign-ins from one address: wait before trying again."""

    status = 429
