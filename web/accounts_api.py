"""The admin API for accounts and tokens: list, add, change (role, password, lock), add and
revoke tokens. Every change is audited; a changed account's sessions end (its epoch moves)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request
from pydantic import BaseModel, ValidationError

from collection import accounts, audit, tokens
from kb.errors import BadQuery
from kb.shapes.keep import (
    AccountChangeBody,
    AccountEnvelope,
    AccountName,
    AccountsEnvelope,
    NewAccountBody,
    NewTokenBody,
    RevokedEnvelope,
    TokenEnvelope,
)
from web.auth import changes, client_address, current_caller, places, require
from web.keep_api import STAFF
from web.openapi import operation

bp = Blueprint("accounts_api", __name__, url_prefix="/api")


@bp.get("/accounts")
@operation(AccountsEnvelope, errors=STAFF)
def listed() -> Response:
    """Every account and token with role and dates (admins; never a password or token)."""
    require("admin")
    listed = tokens.tokens(places().database)
    return jsonify({"ok": True, "accounts": account_rows(), "tokens": listed})


@bp.post("/accounts")
@operation(AccountEnvelope, body=NewAccountBody, errors=(400, *STAFF, 409), answers=(201,))
@changes("admin")
def add_account() -> tuple[Response, int]:
    """Create an account (admins)."""
    return jsonify({"ok": True, "account": create_account()}), 201


@bp.post("/accounts/<name>")
@operation(
    AccountEnvelope, path=AccountName, body=AccountChangeBody, errors=(400, *STAFF, 404, 409)
)
@changes("admin")
def change_account(name: str) -> Response:
    """Change an account's role, password or lock (admins); its open sessions end."""
    return jsonify({"ok": True, "account": update_account(name)})


@bp.post("/tokens")
@operation(TokenEnvelope, body=NewTokenBody, errors=(400, *STAFF), answers=(201,))
@changes("admin")
def add_token() -> tuple[Response, int]:
    """Create an API token (admins); the answer is the only time it is shown."""
    return jsonify({"ok": True, "token": create_token()}), 201


@bp.post("/tokens/<name>/revoke")
@operation(RevokedEnvelope, path=AccountName, errors=(400, *STAFF, 404))
@changes("admin")
def revoke_tokens(name: str) -> Response:
    """Revoke every live token of a name (admins)."""
    return jsonify({"ok": True, "revoked": revoke(name)})


# The changes themselves, shared by the API above and the accounts page (web/accounts_page.py):
# each reads the request's body, checks it against its shape, acts and writes the audit log.


def create_account() -> dict:
    """Add the account the body describes."""
    body = parsed(NewAccountBody)
    made = accounts.add_user(places().database, body.name, body.role, body.password)
    _audit("add user", made.name, made.role)
    return next(a for a in account_rows() if a["name"] == made.name)


def update_account(name: str) -> dict:
    """Apply the body's changes to account `name`."""
    body = parsed(AccountChangeBody)
    if body.role is None and body.password is None and body.disabled is None:
        raise BadQuery("say what to change: role, password or disabled")
    changed = accounts.change_user(
        places().database, name, role=body.role, password=body.password, disabled=body.disabled
    )
    _audit("change user", name, accounts.change_note(body.role, body.password, body.disabled))
    return _shown(changed)


def create_token() -> dict:
    """Add the token the body describes: name, role and the token (shown this once)."""
    body = parsed(NewTokenBody)
    token = tokens.add_token(places().database, body.name, body.role)
    _audit("add token", body.name, body.role)
    return {"name": body.name, "role": body.role, "token": token}


def revoke(name: str) -> int:
    """Revoke the live tokens of `name`; how many."""
    count = tokens.revoke_tokens(places().database, name[:64])
    _audit("revoke token", name[:64], f"{count} token(s)")
    return count


def account_rows() -> list[dict]:
    """Every account as the API shows it."""
    return [_shown(a) for a in accounts.users(places().database)]


def _shown(row: dict) -> dict:
    """An account row as the API shows it (SQLite keeps the lock as 0/1)."""
    return {**row, "disabled": bool(row["disabled"])}


def parsed(shape: type[BaseModel]):
    """The request's JSON body or form read as `shape`; BadQuery naming the first problem."""
    if request.is_json:
        raw = request.get_json(silent=True)
    else:  # a page's form: an empty field is one left alone
        raw = {k: v for k, v in request.form.items() if v != ""}
    if not isinstance(raw, dict):
        raise BadQuery("the body must be a JSON object")
    try:
        return shape.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "body"
        raise BadQuery(f"{where}: {first['msg']}") from None


def _audit(action: str, target: str, detail: str) -> None:
    audit.record(places().database, current_caller().name, action, target, detail, client_address())
