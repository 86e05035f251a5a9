"""The staff API's shapes: uploads and their previews, published and changed documents, the
archive, the audit log (only served where the collection has accounts; see collection/)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from kb.shapes.base import Json, Ok, Request, Shape

UploadState = Literal["reading", "ready", "refused", "publishing", "published"]


class DocumentRef(Shape):
    """A document held (or a file) an upload is compared with."""

    id: str | None = None
    title: str | None = None
    source: str | None = None
    version_date: str | None = None
    version_label: str | None = None
    reason: str | None = Field(None, description="why it is a duplicate")


class PassagePreview(Shape):
    """One of the first passages, with the citation label it will have."""

    label: str
    text: str


class Counts(Shape):
    passages: int
    articles: int
    paragraphs: int
    items: int


class Preview(Shape):
    """What kb understood of an upload before it is published."""

    title: str
    subtitle: str | None
    kind: str
    issuer: str | None
    region: str | None
    version_date: str | None
    effective_date: str | None
    version_label: str
    issue: str | None
    revises: DocumentRef | None = Field(
        description="the version this one revises (已修改 once published)"
    )
    superseded_by: DocumentRef | None
    status: Literal["current", "superseded"]
    counts: Counts
    anomalies: list[str]
    duplicate_of: DocumentRef | None
    passages: list[PassagePreview]
    document_id: str = Field(description="the id the document will have everywhere")
    source: str = Field(description="where it will be written (a name the server made)")
    kind_of_file: str = Field(description="docx, pdf, html or txt: judged from the bytes")


class Upload(Shape):
    """An upload: its state, and its preview once read."""

    id: str
    name: str = Field(description="the name it was sent with (shown only, never a path)")
    size: int
    state: UploadState
    error: str | None
    by: str
    created: str
    updated: str
    replaces: str | None
    document: Json | None = Field(description="the published document")
    preview: Preview | None


class UploadEnvelope(Shape):
    ok: Ok
    upload: Upload


class UploadListEnvelope(Shape):
    ok: Ok
    uploads: list[Upload]


class ChangedDocument(Shape):
    """A document published, marked, withdrawn or restored."""

    id: str | None
    title: str | None = None
    kind: str | None = None
    source: str | None = None
    internal: bool | None = None
    build: str | None = None
    state: Literal["publishing", "published", "withdrawn", "pending"] | None = None


class DocumentChangeEnvelope(Shape):
    ok: Ok
    document: ChangedDocument


class ArchiveEntry(Shape):
    id: str
    title: str
    source: str
    reason: Literal["withdrawn", "replaced"]
    by: str | None
    archived: str


class ArchiveEnvelope(Shape):
    ok: Ok
    archive: list[ArchiveEntry]


class AuditEntry(Shape):
    id: int
    at: str
    who: str
    action: str
    target: str
    detail: str
    address: str


class AuditEnvelope(Shape):
    ok: Ok
    entries: list[AuditEntry]


class CallerInfo(Shape):
    name: str | None
    role: Literal["reader", "editor", "admin"] | None
    via: Literal["anonymous", "session", "token"]


class MeEnvelope(Shape):
    ok: Ok
    caller: CallerInfo


class UploadId(Request):
    """An upload named in the path."""

    id: str = Field(description="Upload id")


class UploadForm(Request):
    """POST /api/uploads (multipart/form-data)."""

    file: bytes = Field(description="the document: md, txt, html, docx or pdf")
    replaces: str | None = Field(None, description="id of the document this file replaces")


class InternalBody(Request):
    """POST /api/documents/<id>/internal; also taken by publish (internal from the start)."""

    internal: bool = Field(description="true: internal (signed-in readers only); false: public")


class AuditQuery(Request):
    limit: int = Field(200, ge=1, le=1000, description="Entries")
    before: int | None = Field(None, ge=1, description="Only entries older than this one")


class WaitQuery(Request):
    wait: float = Field(60, ge=0, le=300, description="Seconds to wait for the keeper (then 202)")


Role = Literal["reader", "editor", "admin"]


class AccountRow(Shape):
    """A staff account (never its password)."""

    name: str
    role: Role
    created: str
    disabled: bool


class TokenRow(Shape):
    """An API token (never the token itself)."""

    name: str
    role: Role
    created: str
    revoked: str | None
    used: str | None = Field(description="last use, to the minute")


class AccountsEnvelope(Shape):
    ok: Ok
    accounts: list[AccountRow]
    tokens: list[TokenRow]


class AccountEnvelope(Shape):
    ok: Ok
    account: AccountRow


class NewToken(Shape):
    name: str
    role: Role
    token: str = Field(description="send it as `Authorization: Bearer …`; it is not shown again")


class TokenEnvelope(Shape):
    ok: Ok
    token: NewToken


class RevokedEnvelope(Shape):
    ok: Ok
    revoked: int = Field(description="live tokens of the name revoked")


class AccountName(Request):
    """An account or token named in the path."""

    name: str = Field(description="Account or token name")


class NewAccountBody(Request):
    """POST /api/accounts."""

    name: str = Field(description="1-64 letters, digits or . _ @ -")
    role: Role
    password: str = Field(description="8 to 1024 characters")


class AccountChangeBody(Request):
    """POST /api/accounts/<name>: what to change (the account's sessions end)."""

    role: Role | None = None
    password: str | None = None
    disabled: bool | None = Field(None, description="true locks the account, false opens it")


class NewTokenBody(Request):
    """POST /api/tokens."""

    name: str = Field(description="who or what uses it")
    role: Role
