"""A small real collection with staff accounts for the keep tests: corpus copy, index, users,
tokens, the app, sign-in and test documents written here (.docx by python-docx, .pdf by
reportlab), never copied from ../shared."""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("KB_KEEPER_IDLE", "5")  # keepers started by a test leave soon after it

PASSWORD = "correct horse battery"
KEEP_SOURCES = (
    "法律/宪法相关法/全国人民代表大会和地方各级人民代表大会代表法(2015-08-29).md",
    "法律/宪法相关法/全国人民代表大会和地方各级人民代表大会代表法(2025-03-11).md",
    "法律/宪法/宪法.md",
    "工作简报/代表工作简报(2024年度第2期).txt",
)


@dataclass
class Kept:
    """Everything a keep test needs: settings, places, tokens by role, the app."""

    settings: object
    places: object
    tokens: dict
    app: object

    def client(self, who: str | None = None):
        """A test client signed in as `who` (admin, editor, reader) or anonymous."""
        client = self.app.test_client()
        if who:
            sign_in(client, who)
        return client


def make_collection(root: Path, corpus_dir: Path, sources=KEEP_SOURCES, **config) -> Kept:
    """Corpus copy, index, accounts (admin, editor, reader; password PASSWORD), tokens
    (reader, editor, and a revoked one) and the app."""
    from collection import accounts, tokens
    from collection.places import Places
    from indexer.build import build_index
    from kb.config import load_settings
    from tests.support.shapes import checked_app
    from tests.support.sources import copy_sources

    corpus = copy_sources(corpus_dir, root / "corpus", sources)
    settings = load_settings({}, corpus_dirs=(corpus,), index_dir=root / "index")
    build_index(settings, procs=1)
    places = Places(settings)
    for role in ("admin", "editor", "reader"):
        accounts.add_user(places.database, role, role, PASSWORD)
    made = {
        role: tokens.add_token(places.database, f"{role}-bot", role)
        for role in ("reader", "editor")
    }
    made["revoked"] = tokens.add_token(places.database, "old-bot", "editor")
    tokens.revoke_tokens(places.database, "old-bot")
    app = checked_app(  # every /api answer checked against its model, as in the API tests
        {"INDEX_DIR": str(settings.index_dir), "CORPUS_DIRS": [str(corpus)], "TESTING": True}
        | config
    )
    return Kept(settings, places, made, app)


def csrf_of(client, path: str = "/login") -> str:
    """The CSRF token of the client's session, read from a page's form."""
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page)[1]


def sign_in(client, name: str, password: str = PASSWORD):
    """Sign in through the login form (with its CSRF token)."""
    token = csrf_of(client)
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token})


def multipart(fields: dict) -> tuple[bytes, str]:
    """A multipart/form-data body and its content type; a (bytes, name) value is a file.
    (Werkzeug's test client spools big bodies to a temporary file it never closes.)"""
    boundary = "kb-test-boundary-7f3a"
    out = bytearray()
    for key, value in fields.items():
        out += f"--{boundary}\r\n".encode()
        if isinstance(value, tuple):
            data, name = value
            out += f'Content-Disposition: form-data; name="{key}"; filename="{name}"\r\n'.encode()
            out += b"Content-Type: application/octet-stream\r\n\r\n" + data + b"\r\n"
        else:
            out += f'Content-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def docx_bytes(title: str, lines: list[str]) -> bytes:
    """A Word document: a Title paragraph, then one paragraph per line."""
    import docx

    document = docx.Document()
    document.add_paragraph(title, style="Title")
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_bytes(title: str, lines: list[str]) -> bytes:
    """A text PDF (reportlab's built-in Chinese CID font: nothing embedded, nothing fetched)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.setFont("STSong-Light", 15)
    page.drawString(72, 770, title)
    page.setFont("STSong-Light", 11)
    y = 740
    for line in lines:
        if y < 72:
            page.showPage()
            page.setFont("STSong-Light", 11)
            y = 770
        page.drawString(72, y, line)
        y -= 20
    page.showPage()
    page.save()
    return out.getvalue()


def regulation(word: str, articles: int = 3, title: str | None = None) -> tuple[str, list[str]]:
    """A synthetic local regulation whose every article carries `word`."""
    from kb.numerals import int_to_cn

    title = title or f"某某市{word}管理规定"
    lines = ["（2026年1月5日某某市人民代表大会常务委员会第九次会议通过）"]
    for n in range(1, articles + 1):
        lines.append(
            f"第{int_to_cn(n)}条　本市{word}工作应当依照本规定第{int_to_cn(n)}项要求办理。"
        )
    return title, lines
