"""Check every installed requirement of kb (runtime and dev, with what they pull in) for advisories.

PyPI publishes known vulnerabilities (from the OSV database) with each release. pip-audit asks
for them on the per-release pages; where only the per-project page is reachable (as from the
development machines), its advisory list is that of the latest release, so a pin can be checked
only when it *is* the latest release. A pin that cannot be checked fails the audit, like a pin
with advisories, unless it is already the newest release that pip can install here (the latest
needs a newer Python, or another pin caps it): then it is listed and the audit still passes,
since no better pin exists. The audit never passes without having looked.

Usage: python tools/audit.py   (exit 0 clean, 1 advisories or upgradable unchecked pins, 2 offline)
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import json
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PYPI = "https://pypi.org/pypi"
ROOT = "kb-npc-search"
REPO = Path(__file__).resolve().parent.parent


@dataclass
class Finding:
    """What PyPI says about one pinned package."""

    name: str
    version: str
    checked_by: str = ""  # "release page", "project page" or "" when it could not be checked
    latest: str = ""
    advisories: list[dict] = field(default_factory=list)


def installed_requirements(root: str = ROOT, extra: str = "dev") -> dict[str, str]:
    """Every distribution that `root[extra]` needs, transitively, with its installed version."""
    todo, seen = [(root, extra)], {}
    while todo:
        name, wanted_extra = todo.pop()
        key = canonicalize_name(name)
        if key in seen:
            continue
        dist = md.distribution(name)
        seen[key] = dist.version
        for req in map(Requirement, dist.requires or []):
            if req.marker is None or req.marker.evaluate({"extra": wanted_extra}):
                todo.append((req.name, ""))
    seen.pop(canonicalize_name(root), None)
    return dict(sorted(seen.items()))


def upgradable(repo: Path = REPO) -> dict[str, str]:
    """Packages pip would move to a newer release if asked to upgrade everything it can."""
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--dry-run",
        "--quiet",
        "--report",
        "-",
        "--upgrade",
        "--upgrade-strategy",
        "eager",
        "--editable",
        f"{repo}[dev]",
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    report = json.loads(out)
    newer = {
        canonicalize_name(i["metadata"]["name"]): i["metadata"]["version"]
        for i in report.get("install", [])
    }
    newer.pop(canonicalize_name(ROOT), None)
    return newer


def fetch_json(url: str, timeout: float = 20.0) -> dict | None:
    """The JSON at `url`, None on 404; other network failures raise OSError."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return json.load(resp)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise


def check(name: str, version: str) -> Finding:
    """Ask PyPI for the advisories of `name==version`: release page first, then project page."""
    finding = Finding(name, version)
    release = fetch_json(f"{PYPI}/{name}/{version}/json")
    if release is not None:
        finding.checked_by, finding.advisories = "release page", release.get("vulnerabilities", [])
        return finding
    project = fetch_json(f"{PYPI}/{name}/json")
    if project is None:
        return finding
    finding.latest = project["info"]["version"]
    if canonicalize_name(finding.latest) == canonicalize_name(version):
        finding.checked_by, finding.advisories = "project page", project.get("vulnerabilities", [])
    return finding


def report(findings: list[Finding], newer: dict[str, str]) -> tuple[int, int, int]:
    """Print one line per package that needs attention.

    Returns the number of vulnerable pins, of unchecked pins that could move to a newer release,
    and of unchecked pins that are already the newest installable release.
    """
    vulnerable = upgradable_unchecked = newest_unchecked = 0
    for f in findings:
        if f.advisories:
            vulnerable += 1
            for adv in f.advisories:
                fixed = ", ".join(adv.get("fixed_in") or []) or "no fix"
                print(f"VULNERABLE {f.name}=={f.version}: {adv.get('id')} (fixed in {fixed})")
        elif not f.checked_by:
            why = f"latest is {f.latest}" if f.latest else "not on PyPI"
            if f.name in newer:
                upgradable_unchecked += 1
                print(
                    f"UNCHECKED  {f.name}=={f.version}: no advisory data for this pin ({why});"
                    f" pin {newer[f.name]} instead"
                )
            else:
                newest_unchecked += 1
                print(
                    f"NEWEST     {f.name}=={f.version}: no advisory data for this pin ({why}),"
                    " but it is the newest release installable here"
                )
    return vulnerable, upgradable_unchecked, newest_unchecked


def main(argv: list[str] | None = None) -> int:
    """Audit the installed requirements and print a summary line."""
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    pins = installed_requirements()
    try:
        findings = [check(name, version) for name, version in pins.items()]
        newer = upgradable()
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"audit: PyPI unreachable ({exc}); nothing was checked", file=sys.stderr)
        return 2
    vulnerable, unchecked, newest = report(findings, newer)
    checked = len(findings) - unchecked - newest
    print(
        f"audit: {len(findings)} packages, {checked} checked, {vulnerable} with known "
        f"vulnerabilities, {unchecked} unchecked but upgradable, {newest} unchecked at the "
        "newest installable release"
    )
    return 1 if vulnerable or unchecked else 0


if __name__ == "__main__":
    sys.exit(main())
