"""Publishing one 50-page .docx until it is searchable (lexical), through the real app and
keeper: upload → preview, publish → searchable, on an index of the default corpus (or a few
files with --small).

    .venv/bin/python -m bench.bench_publish [--small] [--pages 50] [--internal]

Default corpus (3,423 documents, 150,437 passages) on a busy machine (load ~10 on 2 cores; the
cold build took 484 s against 46 s quiet): upload → preview 6.6 s (starting the keeper
included), publish → answered 14.6 s, → first hit 18.4 s (that request opens the new build).
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import tempfile
import time
from pathlib import Path

os.environ.setdefault("KB_VECTORS", "off")  # lexical: the vectors follow in the background
os.environ.setdefault("KB_KEEPER_IDLE", "10")

from kb.config import DEFAULT_CORPUS  # noqa: E402
from kb.numerals import int_to_cn  # noqa: E402

WORD = "鸊鷉"  # a word no document of the corpus holds
SMALL = ("法律/宪法/宪法.md", "工作简报/代表工作简报(2024年度第2期).txt")


def fifty_pages(pages: int) -> bytes:
    """A regulation of about `pages` A4 pages: 8 articles a page, ~110 characters each."""
    import docx

    document = docx.Document()
    document.add_paragraph(f"某某市{WORD}保护条例", style="Title")
    document.add_paragraph("（2026年1月5日某某市人民代表大会常务委员会第九次会议通过）")
    sentence = "本市各级人民政府应当加强对{w}及其栖息地的保护，组织有关部门开展调查监测，依法查处破坏行为，并向本级人民代表大会常务委员会报告工作情况。"
    for n in range(1, pages * 8 + 1):
        if n % 40 == 1:
            document.add_paragraph(f"第{int_to_cn(n // 40 + 1)}章　一般规定", style="Heading 1")
        document.add_paragraph(
            f"第{int_to_cn(n)}条　" + sentence.format(w=WORD if n % 7 == 0 else "野生动物")
        )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="a two-file corpus (quick)")
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--internal", action="store_true", help="publish it as internal")
    args = parser.parse_args()

    from collection import accounts, tokens
    from collection.places import Places
    from indexer.build import build_index
    from kb.config import load_settings
    from web import create_app

    root = Path(tempfile.mkdtemp(prefix="kb-bench-publish-"))
    try:
        own = root / "corpus"
        if args.small:
            for source in SMALL:
                (own / source).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(DEFAULT_CORPUS / source, own / source)
            dirs = (own,)
        else:
            own.mkdir()
            dirs = (own, DEFAULT_CORPUS)  # uploads land in the first folder: a copy of nothing
        settings = load_settings({}, corpus_dirs=dirs, index_dir=root / "index")
        started = time.monotonic()
        stats = build_index(settings)
        print(
            f"index: {stats.documents} documents, {stats.passages} passages, built in {time.monotonic() - started:.1f}s"
        )
        places = Places(settings)
        accounts.add_user(places.database, "admin", "admin", "bench password")
        token = tokens.add_token(places.database, "bench", "editor")
        app = create_app(
            {"INDEX_DIR": str(settings.index_dir), "CORPUS_DIRS": [str(d) for d in dirs]}
        )
        client = app.test_client()
        auth = {"Authorization": f"Bearer {token}"}
        data = fifty_pages(args.pages)
        print(f"document: {args.pages} pages, {len(data) / 1024:.0f} KB .docx")
        started = time.monotonic()
        answer = client.post(
            "/api/uploads?wait=600",
            data={"file": (io.BytesIO(data), "bench.docx")},
            headers=auth,
            content_type="multipart/form-data",
        )
        read = time.monotonic() - started
        shown = answer.get_json()["upload"]
        print(
            f"upload → preview: {read:.2f}s ({shown['preview']['counts']['articles']} articles; includes starting the keeper)"
        )
        started = time.monotonic()
        done = client.post(
            f"/api/uploads/{shown['id']}/publish?wait=600",
            json={"internal": args.internal},
            headers=auth,
        )
        published = time.monotonic() - started
        assert done.status_code == 200, done.get_json()
        hits = client.get(f"/api/search?q={WORD}", headers=auth).get_json()["total"]
        searchable = time.monotonic() - started
        print(
            f"publish → answered: {published:.2f}s (includes the 1.1 s every server process needs to see a new build)"
        )
        print(f"publish → searchable: {searchable:.2f}s ({hits} hits for the new word)")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
