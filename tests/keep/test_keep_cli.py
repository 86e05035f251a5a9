"""`kb users add` and `kb tokens add` (issue 18's contract): passwords from stdin or the
terminal, hashed with argon2id; tokens printed last, stored as a digest, revocable."""

from __future__ import annotations

import sqlite3

from click.testing import CliRunner

from cli import main
from collection.places import Places
from kb.config import load_settings


def _runner(tmp_path) -> CliRunner:
    env = {"KB_INDEX_DIR": str(tmp_path / "index"), "KB_CORPUS_DIR": str(tmp_path / "corpus")}
    return CliRunner(env=env)


def test_users_and_tokens_from_the_command_line(tmp_path):
    runner = _runner(tmp_path)
    added = runner.invoke(main, ["users", "add", "chief", "--role", "admin"], input="s3cret pass\n")
    assert added.exit_code == 0, added.output
    again = runner.invoke(
        main, ["users", "add", "chief", "--role", "reader"], input="another one\n"
    )
    assert again.exit_code == 2 and "exists already" in again.output
    short = runner.invoke(main, ["users", "add", "x", "--role", "reader"], input="short\n")
    assert short.exit_code == 2
    bad_role = runner.invoke(main, ["users", "add", "y", "--role", "owner"], input="long enough\n")
    assert bad_role.exit_code == 2
    made = runner.invoke(main, ["tokens", "add", "crawler", "--role", "reader"])
    assert made.exit_code == 0
    token = made.output.strip().splitlines()[-1]
    assert token.startswith("kb_") and len(token) > 40
    database = Places(load_settings({}, index_dir=tmp_path / "index")).database
    conn = sqlite3.connect(database)
    (password,) = conn.execute("SELECT password FROM users WHERE name = 'chief'").fetchone()
    assert password.startswith("$argon2id$") and "s3cret" not in password
    stored = conn.execute("SELECT digest FROM tokens").fetchone()[0]
    conn.close()
    assert token not in database.read_bytes().decode("latin-1") and stored != token
    revoked = runner.invoke(main, ["tokens", "revoke", "crawler"])
    assert revoked.exit_code == 0 and "revoked 1" in revoked.output
    listed = runner.invoke(main, ["tokens", "list"])
    assert "crawler" in listed.output and token not in listed.output
    assert runner.invoke(main, ["tokens", "revoke", "crawler"]).exit_code == 2


def test_users_change_from_the_command_line(tmp_path):
    runner = _runner(tmp_path)
    runner.invoke(main, ["users", "add", "chief", "--role", "admin"], input="s3cret pass\n")
    runner.invoke(main, ["users", "add", "clerk", "--role", "reader"], input="s3cret pass\n")
    assert runner.invoke(main, ["users", "change", "clerk"]).exit_code == 2  # nothing to change
    locked = runner.invoke(main, ["users", "change", "clerk", "--disable", "--role", "editor"])
    assert locked.exit_code == 0 and "clerk (editor) (disabled)" in locked.output
    moved = runner.invoke(main, ["users", "change", "clerk", "--password"], input="new secret\n")
    assert moved.exit_code == 0
    last = runner.invoke(main, ["users", "change", "chief", "--disable"])
    assert last.exit_code == 2 and "no enabled admin" in last.output
    assert runner.invoke(main, ["users", "change", "nobody", "--enable"]).exit_code == 2
    listed = runner.invoke(main, ["users", "list"]).output
    assert "clerk\teditor" in listed and "(disabled)" in listed
