"""The accounts page (admins): accounts with their roles and locks, API tokens; plain forms
(CSRF token in each) doing what the admin API does (web/accounts_api.py)."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, url_for

from collection import tokens
from kb.errors import KBError
from web import accounts_api
from web.auth import changes, places
from web.keep_pages import page_guard

bp = Blueprint("accounts", __name__)


@bp.get("/keep/accounts")
def page() -> str | Response:
    """Accounts and tokens, with the forms that change them."""
    if (refused := page_guard("admin")) is not None:
        return refused
    return _page()


@bp.post("/keep/accounts")
@changes("admin")
def add() -> Response | tuple[str, int]:
    """Create an account from the page's form."""
    return _act(accounts_api.create_account)


@bp.post("/keep/accounts/<name>")
@changes("admin")
def change(name: str) -> Response | tuple[str, int]:
    """Change an account's role, password or lock from the page."""
    return _act(lambda: accounts_api.update_account(name[:64]))


@bp.post("/keep/tokens")
@changes("admin")
def add_token() -> str | tuple[str, int]:
    """Create a token and show it, this once."""
    try:
        made = accounts_api.create_token()
    except KBError as exc:
        return _page(str(exc)), exc.status
    return _page(new_token=made)


@bp.post("/keep/tokens/<name>/revoke")
@changes("admin")
def revoke(name: str) -> Response | tuple[str, int]:
    """Revoke a name's live tokens from the page."""
    return _act(lambda: accounts_api.revoke(name))


def _act(change) -> Response | tuple[str, int]:
    """Do `change`; back to the page, or the page with the reason it was refused."""
    try:
        change()
    except KBError as exc:
        return _page(str(exc)), exc.status
    return redirect(url_for(".page"))


def _page(error: str | None = None, new_token: dict | None = None) -> str:
    listed = tokens.tokens(places().database)
    return render_template(
        "accounts.html",
        accounts=accounts_api.account_rows(),
        tokens=listed,
        error=error,
        new_token=new_token,
    )
