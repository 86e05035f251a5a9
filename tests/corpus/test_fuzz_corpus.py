"""A messy corpus folder: `kb check` and `kb index` finish, give each bad file a reason, lose no
good one (real documents, synthetic ones under odd names or in odd encodings, a 10,000-deep page).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli import main
from corpus.loaders import MAX_FILE_MB, load_text
from corpus.parsers import parse_document
from kb.errors import UnreadableDocument
from kb.library import Library

REAL = {
    "选举法.md": "法律/宪法相关法/全国人民代表大会和地方各级人民代表大会选举法(2020-10-17).md",
    "简报.txt": "工作简报/代表工作简报(2024年度第2期).txt",
}
FORMATS = {
    "docx": "docx/全国人民代表大会和地方各级人民代表大会选举法(2020-10-17).docx",
    "pdf": "pdf/全国人民代表大会和地方各级人民代表大会选举法(2020-10-17).pdf",
}
BAD_NAME = b"odd-\xff\xfe-name.md"  # not UTF-8: shown with U+FFFD, still indexed
# Every bad file (as reported) and a word its reason must contain.
BAD = {
    "bad/empty.md": "empty",
    "bad/blank.txt": "no text",
    "bad/binary.txt": "binary",
    "bad/random.md": "binary",
    "bad/cut.docx": ".docx",
    "bad/cut.pdf": "PDF",
    "bad/stub.pdf": "PDF",
    "bad/zip.docx": ".docx",
    "bad/dangling.md": "symbolic link",
    "bad/huge.txt": f"larger than {MAX_FILE_MB} MB",
    "bad/locked.md": "cannot read file",
    "bad/locked-folder": "cannot read folder",
    "bad/old.doc": "unsupported",
}


def law(title: str, marker: str) -> str:
    """A small synthetic statute whose first article holds `marker`."""
    return (
        f"{title}\n第一条 为了检验索引，本办法规定{marker}的适用。\n"
        f"第二条 本办法自公布之日起施行。\n"
    )


# Synthetic good documents: path → (bytes, marker found only in that document).
def synthetic() -> dict[str, tuple[bytes, str]]:
    """Good documents under odd names, in odd encodings, or deeply nested."""
    deep = (
        "<html><head><title>深层测试办法</title></head><body>"
        + "<div>" * 10_000
        + "<p>深层测试办法</p><p>第一条 本办法规定琥珀蜻蜓甲的适用。</p>"
        + "</div>" * 10_000
    )
    gbk = '<meta charset="utf-8"><title>误标办法</title><p>' + law("误标办法", "琥珀蜻蜓乙")
    return {
        "odd/sp ace & (1).md": (("# " + law("空格名办法", "琥珀蜻蜓丙")).encode(), "琥珀蜻蜓丙"),
        "odd/" + "长" * 80 + ".md": (("# " + law("长名办法", "琥珀蜻蜓丁")).encode(), "琥珀蜻蜓丁"),
        "odd/utf16-no-bom.txt": (law("双字节办法", "琥珀蜻蜓戊").encode("utf-16-le"), "琥珀蜻蜓戊"),
        "odd/gbk-said-utf8.html": (gbk.replace("\n", "</p><p>").encode("gbk"), "琥珀蜻蜓乙"),
        "odd/deep.html": (deep.encode(), "琥珀蜻蜓甲"),
    }


def _write_bad(bad: Path, formats_dir: Path) -> None:
    """Empty, binary, truncated, enormous, dangling and unsupported files."""
    bad.mkdir(parents=True)
    (bad / "empty.md").write_bytes(b"")
    (bad / "blank.txt").write_bytes(" \n\t\u3000\n".encode())
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (bad / "random.md").write_bytes(os.urandom(4096))
    for kind, name in FORMATS.items():
        data = (formats_dir / name).read_bytes()
        (bad / f"cut.{kind}").write_bytes(data[: len(data) // 2])
    (bad / "stub.pdf").write_bytes(b"%PDF-1.7\n")
    (bad / "zip.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (bad / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    os.symlink(bad / "missing.md", bad / "dangling.md")
    line = "第一百条 合成的超大文件测试行，重复构成巨大的文本。\n".encode()
    with open(bad / "huge.txt", "wb") as f:
        f.write(line * (50 * 1024 * 1024 // len(line) + 1))  # 50 MB
    (bad / "locked.md").write_text("# 锁定办法\n第一条 不可读。\n", "utf-8")
    (bad / "locked-folder").mkdir()
    (bad / "locked-folder" / "inside.md").write_text("# 锁定目录\n第一条 不可读。\n", "utf-8")


@pytest.fixture(scope="module")
def messy(tmp_path_factory, corpus_dir: Path, formats_dir: Path) -> dict:
    """The folder, the markers of its synthetic documents, and the real documents' names."""
    root = tmp_path_factory.mktemp("messy") / "corpus"
    for target, source in REAL.items():
        (root / "good").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus_dir / source, root / "good" / target)
    shutil.copyfile(formats_dir / FORMATS["docx"], root / "good" / "选举法副本.docx")
    markers = {}
    for rel, (data, marker) in synthetic().items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
        markers[rel] = marker
    try:
        with open(os.path.join(os.fsencode(root / "odd"), BAD_NAME), "wb") as f:
            f.write(("# " + law("怪名办法", "琥珀蜻蜓己")).encode())
        markers[
            os.fsdecode(b"odd/" + BAD_NAME)
            .encode("utf-8", "surrogateescape")
            .decode("utf-8", "replace")
        ] = "琥珀蜻蜓己"
    except OSError:  # a filesystem that only takes UTF-8 names
        pass
    _write_bad(root / "bad", formats_dir)
    os.symlink(root, root / "bad" / "loop")  # a folder symlinked into itself
    return {
        "root": root,
        "markers": markers,
        "real": {f"good/{n}" for n in REAL} | {"good/选举法副本.docx"},
    }


@pytest.fixture()
def locked(monkeypatch, messy: dict) -> None:
    """bad/locked.md and bad/locked-folder cannot be read (simulated: root reads anything)."""
    import pathlib

    denied = {messy["root"] / "bad" / "locked.md", messy["root"] / "bad" / "locked-folder"}

    def guard(real):
        def refuse_denied(path, *args, **kwargs):
            if Path(path) in denied:
                raise PermissionError(13, "Permission denied", str(path))
            return real(path, *args, **kwargs)

        return refuse_denied

    monkeypatch.setattr(pathlib.Path, "read_bytes", guard(pathlib.Path.read_bytes))
    monkeypatch.setattr(pathlib.Path, "open", guard(pathlib.Path.open))
    monkeypatch.setattr(os, "scandir", guard(os.scandir))


def _good(messy: dict) -> set[str]:
    return set(messy["markers"]) | messy["real"]


def test_check_reports_every_bad_file_and_reads_every_good_one(messy, locked):
    started = time.monotonic()
    result = CliRunner().invoke(
        main, ["check", "--json", "-q", "--processes", "1", str(messy["root"])]
    )
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started < 60
    report = json.loads(result.stdout_bytes.decode("utf-8"))  # valid UTF-8, odd names and all
    skipped = {s["source"]: s["reason"] for s in report["skipped"]}
    assert len(report["skipped"]) == len(skipped)  # once each, the symlink loop notwithstanding
    assert set(skipped) == set(BAD)
    for source, word in BAD.items():
        assert word in skipped[source], (source, skipped[source])
    documents = {d["source"]: d for d in report["documents"]}
    assert set(documents) == _good(messy)
    assert all(documents[s]["passages"] for s in messy["markers"])


def test_index_skips_bad_files_and_finds_every_good_one(messy, locked, tmp_path):
    env = {"KB_CORPUS_DIR": str(messy["root"]), "KB_INDEX_DIR": str(tmp_path / "index")}
    started = time.monotonic()
    result = CliRunner(env=env).invoke(main, ["index", "-q"])
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started < 60
    for source, word in BAD.items():
        assert f"skipped {source}: " in result.stderr and word in result.stderr
    library = Library(tmp_path / "index")
    indexed = {r["source"] for r in library.snapshot().docs.records}
    assert indexed == _good(messy)
    for source, marker in messy["markers"].items():
        hits = library.search(marker, limit=3).hits
        assert hits and hits[0].document.source == source, (marker, source)
    assert library.search("选举法第三十条").hits[0].matched == "citation"
    assert library.search("代表工作", kinds=("工作简报",)).hits


@st.composite
def damaged(draw, seeds: dict[str, bytes]) -> tuple[str, bytes]:
    """A real file of some format with bytes overwritten and perhaps cut short, or pure junk."""
    suffix = draw(st.sampled_from(sorted(seeds)))
    data = bytearray(seeds[suffix])
    for _ in range(draw(st.integers(0, 12))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    data = data[: draw(st.integers(0, len(data)))] if draw(st.booleans()) else data
    return suffix, bytes(draw(st.binary(max_size=300)) if draw(st.integers(0, 5)) == 0 else data)


def test_damaged_files_are_unreadable_documents_not_crashes(formats_dir, tmp_path):
    seeds = {f".{k}": (formats_dir / name).read_bytes() for k, name in FORMATS.items()}
    seeds |= {".html": synthetic()["odd/gbk-said-utf8.html"][0], ".md": law("甲", "乙").encode()}

    @settings(
        max_examples=80,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(case=damaged(seeds))
    def load(case: tuple[str, bytes]) -> None:
        path = tmp_path / f"f{case[0]}"
        path.write_bytes(case[1])
        try:
            parse_document(load_text(path, tmp_path))
        except UnreadableDocument as exc:
            assert exc.reason

    load()


NESTED = {  # shapes that once took minutes at this depth (per-tag subtree walks)
    "chain": "<div>" * 20_000 + "<p>第一条 深层段落。</p>",
    "text at every level": "<div><p>每层都有文字。</p>" * 20_000,
    "nested navigation": "<p>正文段落内容。</p>" + "<nav>导航" * 20_000,
    "inline in a paragraph": "<p>" + "<span>字" * 20_000,
}


@pytest.mark.parametrize("shape", NESTED)
def test_deeply_nested_html_loads_in_linear_time(tmp_path, shape):
    path = tmp_path / "deep.html"
    path.write_text(f"<html><body>{NESTED[shape]}</body></html>", "utf-8")
    started = time.monotonic()
    assert load_text(path, tmp_path).lines
    assert time.monotonic() - started < 10


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_real_permissions_are_reported(tmp_path):
    (tmp_path / "c" / "d").mkdir(parents=True)
    (tmp_path / "c" / "f.md").write_text("# 甲\n第一条 乙。\n", "utf-8")
    (tmp_path / "c" / "f.md").chmod(0)
    (tmp_path / "c" / "d").chmod(0)
    try:
        result = CliRunner().invoke(main, ["check", "--json", "-q", str(tmp_path / "c")])
        skipped = {s["source"]: s["reason"] for s in json.loads(result.stdout)["skipped"]}
        assert "cannot read file" in skipped["f.md"] and "cannot read folder" in skipped["d"]
    finally:
        (tmp_path / "c" / "d").chmod(0o755)
