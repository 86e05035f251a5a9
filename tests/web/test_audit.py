"""tools/audit.py: the decision it makes from PyPI's answers (no network: synthetic findings)."""

import importlib.util
import sys
from pathlib import Path

import pytest

spec = importlib.util.spec_from_file_location(
    "audit", Path(__file__).resolve().parents[2] / "tools" / "audit.py"
)
audit = sys.modules["audit"] = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)


def test_requirements_cover_runtime_and_dev_dependencies():
    pins = audit.installed_requirements()
    for name in ("whoosh3", "jieba", "flask", "waitress", "pytest", "werkzeug"):
        assert name in pins
    assert audit.ROOT not in pins


VULN = {"id": "X", "fixed_in": ["2"]}


@pytest.mark.parametrize(
    ("finding", "newer", "expected"),
    [
        (audit.Finding("a", "1", "release page"), {}, (0, 0, 0)),
        (
            audit.Finding("a", "1", "project page", "1", [{"id": "X", "fixed_in": ["2"]}]),
            {},
            (1, 0, 0),
        ),
        (audit.Finding("a", "1", "", "2"), {"a": "2"}, (0, 1, 0)),
        (audit.Finding("a", "1", "", "2"), {}, (0, 0, 1)),
    ],
)
def test_report_counts_vulnerable_and_unchecked_pins(finding, newer, expected, capsys):
    assert audit.report([finding], newer) == expected
    out = capsys.readouterr().out
    if expected[0]:
        assert "VULNERABLE a==1: X (fixed in 2)" in out


def test_check_reads_the_project_page_only_for_the_latest_release(monkeypatch):
    pages = {
        f"{audit.PYPI}/a/1/json": None,
        f"{audit.PYPI}/a/json": {"info": {"version": "1"}, "vulnerabilities": [{"id": "X"}]},
        f"{audit.PYPI}/b/1/json": None,
        f"{audit.PYPI}/b/json": {"info": {"version": "2"}, "vulnerabilities": []},
    }
    monkeypatch.setattr(audit, "fetch_json", lambda url, timeout=20.0: pages[url])
    a, b = audit.check("a", "1"), audit.check("b", "1")
    assert (a.checked_by, [v["id"] for v in a.advisories]) == ("project page", ["X"])
    assert (b.checked_by, b.latest) == ("", "2")
