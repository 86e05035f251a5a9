"""`kb check` and the collection walk: real files plus broken ones in a tmp folder."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import corpus.collection as collection_module
from cli import main
from corpus.collection import discover_files, load_collection
from kb.models import Skipped

REAL = {
    "law/代表法(2015-08-29).md": "法律/宪法相关法/全国人民代表大会和地方各级人民代表大会代表法(2015-08-29).md",
    "law/代表法(2025-03-11).md": "法律/宪法相关法/全国人民代表大会和地方各级人民代表大会代表法(2025-03-11).md",
    "a/广告法(2021-04-29).md": "法律/经济法/广告法(2021-04-29).md",
    "b/广告法(2021-04-29).md": "法律/行政法/广告法(2021-04-29).md",
    "简报/代表工作简报(2024年度第2期).txt": "工作简报/代表工作简报(2024年度第2期).txt",
}


@pytest.fixture()
def folder(tmp_path: Path, corpus_dir: Path) -> Path:
    """A small corpus: real files (two versions, two copies, a bulletin) and bad ones."""
    root = tmp_path / "corpus"
    for target, source in REAL.items():
        (root / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus_dir / source, root / target)
    (root / "bad").mkdir()
    (root / "bad" / "empty.md").write_bytes(b"")
    (root / "bad" / "junk.txt").write_bytes(bytes(range(256)) * 8)
    (root / "bad" / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    (root / "bad" / "photo.jpg").write_bytes(b"\xff\xd8")
    (root / ".hidden").mkdir()
    (root / ".hidden" / "secret.md").write_text("# 甲\n", "utf-8")
    os.symlink(root, root / "law" / "loop")
    return root


def _check_json(folder: Path) -> dict:
    result = CliRunner().invoke(main, ["check", "--json", "-q", str(folder)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_check_json_report(folder: Path) -> None:
    report = _check_json(folder)
    docs = {d["source"]: d for d in report["documents"]}
    assert set(docs) == set(REAL)
    for entry in docs.values():
        assert {"source", "title", "kind", "version_date", "status", "articles", "passages"} <= set(
            entry
        )
    assert docs["law/代表法(2015-08-29).md"]["status"] == "superseded"
    assert docs["law/代表法(2025-03-11).md"]["status"] == "current"
    assert docs["law/代表法(2025-03-11).md"]["articles"] == 65
    assert docs["a/广告法(2021-04-29).md"]["status"] == docs["b/广告法(2021-04-29).md"]["status"]
    assert docs["b/广告法(2021-04-29).md"]["duplicate_of"]
    bulletin = docs["简报/代表工作简报(2024年度第2期).txt"]
    assert (bulletin["kind"], bulletin["articles"], bulletin["passages"]) == ("工作简报", 0, 11)
    skipped = {s["source"]: s["reason"] for s in report["skipped"]}
    assert set(skipped) == {"bad/empty.md", "bad/junk.txt", "bad/old.doc"}
    assert "empty" in skipped["bad/empty.md"] and "binary" in skipped["bad/junk.txt"]
    assert report["anomalies"] == []


def test_check_human_report_and_default_folders(folder: Path) -> None:
    env = {"KB_CORPUS_DIR": str(folder)}
    result = CliRunner().invoke(main, ["check", "-q"], env=env)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "5 documents" in out and "3 skipped" in out
    assert "Works with several versions: 1" in out and "2015-08-29 (superseded)" in out
    assert "bad/junk.txt: binary" in out and "法律" in out


def test_check_shows_a_progress_bar_on_stderr(folder: Path) -> None:
    result = CliRunner().invoke(main, ["check", str(folder)])
    assert result.exit_code == 0
    assert "Parsing" in result.stderr and "Parsing" not in result.stdout


def test_discover_files_yields_skips_inline_without_a_list(folder: Path) -> None:
    entries = list(discover_files([folder]))
    files = [e for e in entries if not isinstance(e, Skipped)]
    skips = [e for e in entries if isinstance(e, Skipped)]
    assert len(files) == len(REAL) + 2 and [s.source for s in skips] == ["bad/old.doc"]
    assert all(root == folder for root, _ in files)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder")
def test_unreadable_folder_is_skipped(folder: Path) -> None:
    locked = folder / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        skipped: list[Skipped] = []
        list(discover_files([folder], skipped))
        assert any(s.source == "locked" for s in skipped)
    finally:
        locked.chmod(0o755)


def test_a_parser_crash_becomes_a_skip(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = collection_module.parse_document

    def flaky(loaded, content_hash=""):
        if "2015" in loaded.source:
            raise RuntimeError("boom")
        return real(loaded, content_hash)

    monkeypatch.setattr(collection_module, "parse_document", flaky)
    result = load_collection([folder])
    assert any(s.reason == "parser error: RuntimeError: boom" for s in result.skipped)
    assert len(result.documents) == len(REAL) - 1


def test_pool_and_single_process_agree(folder: Path) -> None:
    one = load_collection([folder], processes=1, keep_passages=False)
    two = load_collection([folder], processes=2, keep_passages=False)
    assert [d.id for d in one.documents] == [d.id for d in two.documents]
    assert one.roles == two.roles and one.duplicates == two.duplicates


@pytest.mark.full
def test_whole_corpus_parses_with_few_anomalies(corpus_dir: Path) -> None:
    result = load_collection([corpus_dir], keep_passages=False)
    assert len(result.documents) == 3423 and not result.skipped
    anomalous = {a.source for a in result.anomalies}
    assert len(anomalous) < 0.01 * len(result.documents)
