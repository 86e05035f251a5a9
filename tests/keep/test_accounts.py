"""Admins keep accounts and tokens from the API and the page (issue 18): add, change role or
password, lock and open, make and revoke tokens; a changed account's sessions end, the last
admin cannot be locked out, every change is audited without its password."""

from __future__ import annotations

import re

import pytest

from collection import accounts, audit, tokens
from kb.shapes.keep import AccountEnvelope, AccountsEnvelope, RevokedEnvelope, TokenEnvelope
from tests.support.keep import (
    KEEP_SOURCES,
    PASSWORD,
    bearer,
    csrf_of,
    make_collection,
    sign_in,
)

NEW_PASSWORD = "a much longer passphrase"


@pytest.fixture(scope="module")
def kept(tmp_path_factory, corpus_dir):
    kept = make_collection(tmp_path_factory.mktemp("accounts"), corpus_dir)
    kept.tokens["admin"] = tokens.add_token(kept.places.database, "admin-bot", "admin")
    return kept


def who(client, headers=None) -> str | None:
    """The name the server takes a client for (None: anonymous)."""
    return client.get("/api/me", headers=headers or {}).get_json()["caller"]["name"]


def as_admin(kept):
    return bearer(kept.tokens["admin"])


def test_only_admins_list_accounts_and_tokens_and_never_their_secrets(kept):
    listed = kept.app.test_client().get("/api/accounts", headers=as_admin(kept))
    assert listed.status_code == 200
    body = AccountsEnvelope.model_validate(listed.get_json())  # no other key allowed
    assert {"admin", "editor", "reader"} <= {a.name for a in body.accounts}
    assert {"reader-bot", "old-bot"} <= {t.name for t in body.tokens}
    assert PASSWORD not in listed.get_data(as_text=True)
    assert not any(t in listed.get_data(as_text=True) for t in kept.tokens.values())
    assert kept.app.test_client().get("/api/accounts").status_code == 401
    editor = bearer(kept.tokens["editor"])
    assert kept.app.test_client().get("/api/accounts", headers=editor).status_code == 403
    assert kept.client("reader").get("/api/accounts").status_code == 403


def test_an_account_made_over_the_api_signs_in(kept):
    client = kept.app.test_client()
    made = client.post(
        "/api/accounts",
        json={"name": "clerk", "role": "editor", "password": PASSWORD},
        headers=as_admin(kept),
    )
    assert made.status_code == 201
    assert AccountEnvelope.model_validate(made.get_json()).account.role == "editor"
    again = client.post(
        "/api/accounts",
        json={"name": "clerk", "role": "reader", "password": PASSWORD},
        headers=as_admin(kept),
    )
    assert again.status_code == 409 and again.get_json()["ok"] is False
    for bad in (
        {"name": "x", "role": "owner", "password": PASSWORD},
        {"name": "y", "role": "reader", "password": "short"},
        {"name": "a b", "role": "reader", "password": PASSWORD},
        {"role": "reader"},
    ):
        refused = client.post("/api/accounts", json=bad, headers=as_admin(kept))
        assert refused.status_code == 400 and set(refused.get_json()) == {"ok", "error", "status"}
    signed = kept.app.test_client()
    sign_in(signed, "clerk")
    assert signed.get("/api/me").get_json()["caller"]["role"] == "editor"


def test_a_changed_account_is_signed_out_and_uses_its_new_password(kept):
    client = kept.app.test_client()
    client.post(
        "/api/accounts",
        json={"name": "scribe", "role": "reader", "password": PASSWORD},
        headers=as_admin(kept),
    )
    session = kept.app.test_client()
    sign_in(session, "scribe")
    assert who(session) == "scribe"
    changed = client.post(
        "/api/accounts/scribe",
        json={"password": NEW_PASSWORD, "role": "editor"},
        headers=as_admin(kept),
    )
    assert changed.status_code == 200 and changed.get_json()["account"]["role"] == "editor"
    assert who(session) is None  # the old session ended
    assert sign_in(kept.app.test_client(), "scribe").status_code == 401
    fresh = kept.app.test_client()
    assert sign_in(fresh, "scribe", NEW_PASSWORD).status_code == 302
    locked = client.post("/api/accounts/scribe", json={"disabled": True}, headers=as_admin(kept))
    assert locked.get_json()["account"]["disabled"] is True
    assert who(fresh) is None
    assert sign_in(kept.app.test_client(), "scribe", NEW_PASSWORD).status_code == 401
    client.post("/api/accounts/scribe", json={"disabled": False}, headers=as_admin(kept))
    assert sign_in(kept.app.test_client(), "scribe", NEW_PASSWORD).status_code == 302
    missing = client.post("/api/accounts/nobody", json={"disabled": True}, headers=as_admin(kept))
    assert missing.status_code == 404
    empty = client.post("/api/accounts/scribe", json={}, headers=as_admin(kept))
    assert empty.status_code == 400
    detail = [e["detail"] for e in audit.entries(kept.places.database) if e["target"] == "scribe"]
    assert "role=editor, password" in detail and not any(NEW_PASSWORD in d for d in detail)


def test_the_last_admin_cannot_be_locked_out(kept):
    client = kept.app.test_client()
    for change in ({"disabled": True}, {"role": "editor"}):
        refused = client.post("/api/accounts/admin", json=change, headers=as_admin(kept))
        assert refused.status_code == 409
    listed = client.get("/api/accounts", headers=as_admin(kept)).get_json()["accounts"]
    assert next(a for a in listed if a["name"] == "admin") | {"created": ""} == {
        "name": "admin",
        "role": "admin",
        "created": "",
        "disabled": False,
    }


def test_tokens_are_made_shown_once_and_revoked(kept):
    client = kept.app.test_client()
    made = client.post(
        "/api/tokens", json={"name": "robot", "role": "reader"}, headers=as_admin(kept)
    )
    assert made.status_code == 201
    token = TokenEnvelope.model_validate(made.get_json()).token.token
    assert client.get("/api/me", headers=bearer(token)).get_json()["caller"]["name"] == "robot"
    listed = client.get("/api/accounts", headers=as_admin(kept)).get_data(as_text=True)
    assert token not in listed
    revoked = client.post("/api/tokens/robot/revoke", headers=as_admin(kept))
    assert RevokedEnvelope.model_validate(revoked.get_json()).revoked == 1
    assert client.get("/api/me", headers=bearer(token)).status_code == 401
    assert client.post("/api/tokens/robot/revoke", headers=as_admin(kept)).status_code == 404


def test_a_session_must_send_its_csrf_token(kept):
    admin = kept.client("admin")
    body = {"name": "sneaky", "role": "admin", "password": PASSWORD}
    refused = admin.post("/api/accounts", json=body)
    assert refused.status_code == 400 and "CSRF" in refused.get_json()["error"]
    assert admin.post("/keep/accounts", data=body).status_code == 400
    names = [a["name"] for a in admin.get("/api/accounts").get_json()["accounts"]]
    assert "sneaky" not in names


def test_the_accounts_page(kept):
    assert kept.app.test_client().get("/keep/accounts").status_code == 302
    assert kept.client("editor").get("/keep/accounts").status_code == 403
    admin = kept.client("admin")
    page = admin.get("/keep/accounts").get_data(as_text=True)
    assert "账号与令牌" in page and "reader-bot" in page
    token = csrf_of(admin, "/keep/accounts")
    added = admin.post(
        "/keep/accounts",
        data={"name": "page-made", "role": "reader", "password": PASSWORD, "csrf_token": token},
    )
    assert added.status_code == 302
    wrong = admin.post(
        "/keep/accounts",
        data={"name": "page-made", "role": "reader", "password": PASSWORD, "csrf_token": token},
    )
    assert wrong.status_code == 409 and "exists already" in wrong.get_data(as_text=True)
    locked = admin.post(
        "/keep/accounts/page-made",
        data={"disabled": "true", "role": "", "password": "", "csrf_token": token},
    )
    assert locked.status_code == 302
    assert "已停用" in admin.get("/keep/accounts").get_data(as_text=True)
    shown = admin.post(
        "/keep/tokens", data={"name": "page-bot", "role": "editor", "csrf_token": token}
    ).get_data(as_text=True)
    made = re.search(r'<code class="token">(kb_[\w-]+)</code>', shown)[1]
    assert made not in admin.get("/keep/accounts").get_data(as_text=True)  # shown once
    assert admin.post("/keep/tokens/page-bot/revoke", data={"csrf_token": token}).status_code == 302
    assert kept.app.test_client().get("/api/me", headers=bearer(made)).status_code == 401


def test_the_first_account_needs_no_restart(tmp_path, corpus_dir):
    from collection.places import Places
    from indexer.build import build_index
    from kb.config import load_settings
    from tests.support.sources import copy_sources
    from web import create_app

    corpus = copy_sources(corpus_dir, tmp_path / "corpus", KEEP_SOURCES[2:3])
    settings = load_settings({}, corpus_dirs=(corpus,), index_dir=tmp_path / "index")
    build_index(settings, procs=1)
    config = {"INDEX_DIR": str(settings.index_dir), "CORPUS_DIRS": [str(corpus)]}
    client = create_app(config | {"ACCOUNTS_CHECK_SECONDS": 0}).test_client()
    assert client.get("/login").status_code == 404  # the public service: no staff doors
    searched = client.get("/api/search?q=宪法").get_json()
    accounts.add_user(Places(settings).database, "chief", "admin", PASSWORD)
    assert client.get("/login").status_code == 200  # the next request has them
    assert sign_in(client, "chief").status_code == 302
    assert client.get("/api/me").get_json()["caller"]["name"] == "chief"
    assert client.get("/api/search?q=宪法").get_json()["total"] == searched["total"]
