"""Who is asking: Flask-Login sessions for people, Bearer tokens for programs, Flask-WTF CSRF
on what a cookie session changes; the caller goes to kb.access, which picks their Library.

Only installed when the collection has an account or a token (web.create_app): without any,
kb is the public read-only service it always was.
"""

from __future__ import annotations

import functools
from datetime import timedelta

from flask import Flask, Response, current_app, g, request, session
from flask_login import AnonymousUserMixin, LoginManager, UserMixin, current_user
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from collection import accounts, tokens
from collection.db import secret
from collection.places import Places
from kb.access import ANONYMOUS, Caller
from kb.errors import BadQuery, NotAllowed, NotSignedIn

SESSION_HOURS = 8
TOKEN_PARAMS = ("token", "access_token", "api_key", "apikey", "auth")
csrf = CSRFProtect()


class Person(UserMixin):
    """A signed-in account as Flask-Login knows it; its id carries the account's epoch, so
    disabling an account or changing its password ends its sessions."""

    def __init__(self, account: accounts.Account):
        self.account = account

    def get_id(self) -> str:
        return f"{self.account.id}:{self.account.epoch}"


def places() -> Places:
    """The collection of the running app."""
    return current_app.extensions["kb.places"]


def install(app: Flask, where: Places) -> None:
    """Sessions, tokens and CSRF on `app`, for the collection at `where`."""
    app.extensions["kb.places"] = where
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret(where.database)
    hours = float(app.config.get("SESSION_HOURS") or SESSION_HOURS)  # KB_SESSION_HOURS
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=hours)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE=app.config.get("SESSION_COOKIE_SAMESITE") or "Lax",
        SESSION_COOKIE_NAME="kb_session",
        WTF_CSRF_CHECK_DEFAULT=False,  # checked by `changes` on what a cookie session changes
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
    )
    proxies = int(app.config.get("PROXIES") or 0)  # KB_PROXIES: trusted reverse proxies
    if proxies:  # the real client address comes from X-Forwarded-For only behind them
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    csrf.init_app(app)
    manager = LoginManager(app)
    manager.anonymous_user = AnonymousUserMixin
    manager.user_loader(_load_person)
    manager.unauthorized_handler(_unauthorized)
    app.before_request(_refuse_tokens_in_urls)
    app.before_request(_check_token)
    app.after_request(_private)


def _load_person(user_id: str) -> Person | None:
    try:
        number, epoch = (int(x) for x in user_id.split(":"))
    except ValueError:
        return None
    found = accounts.account(places().database, number)
    return Person(found) if found and found.epoch == epoch else None


def _unauthorized():
    raise NotSignedIn("sign in first")


def current_caller() -> Caller:
    """The caller of this request: a token's, a session's, or ANONYMOUS (once per request).
    A bad token is refused (401) rather than read as anonymous."""
    if "kb_caller" in g:
        return g.kb_caller
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotSignedIn("the Authorization header takes `Bearer <token>`")
        caller = tokens.token_caller(places().database, token.strip())
    elif current_user.is_authenticated:
        a = current_user.account
        caller = Caller(a.name, a.role, "session")
    else:
        caller = ANONYMOUS
    g.kb_caller = caller
    return caller


def require(role: str, caller: Caller | None = None) -> Caller:
    """The caller when their role is `role` or above; 401 when anonymous, 403 otherwise."""
    caller = caller or current_caller()
    if not caller.signed_in:
        raise NotSignedIn("sign in or send `Authorization: Bearer <token>`")
    if not caller.may(role):
        raise NotAllowed(f"this needs the {role} role ({caller.name} is a {caller.role})")
    return caller


def changes(role: str):
    """A view that changes the collection: needs `role`; a cookie session must also send its
    CSRF token (a form field or the X-CSRFToken header), a token in the header need not."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            caller = require(role)
            if caller.via == "session":
                csrf.protect()
            return view(*args, **kwargs)

        return wrapper

    return decorate


def client_address() -> str:
    """The client's address as the server saw it (behind KB_PROXIES trusted proxies, the one
    they report); never a header the client wrote itself."""
    return request.remote_addr or "unknown"


def _check_token() -> None:
    """A request that sends a token is refused at once when it is not valid (before any
    parameter is looked at): a revoked token gets 401 everywhere, never an answer."""
    if "Authorization" in request.headers:
        current_caller()


def _refuse_tokens_in_urls() -> None:
    """Tokens go in the Authorization header: one in a URL ends up in logs and histories."""
    if any(name in request.args for name in TOKEN_PARAMS):
        raise BadQuery("send tokens in the Authorization header (Bearer), never in the URL")


def _private(response: Response) -> Response:
    """Answers to signed-in callers are theirs alone: never cached, never shared."""
    response.vary.add("Cookie")
    response.vary.add("Authorization")
    caller = g.get("kb_caller")
    if (caller is not None and caller.signed_in) or session.get("_user_id"):
        response.headers["Cache-Control"] = "private, no-store"
    return response


def sign_in_session(account: accounts.Account) -> None:
    """Start a fresh session for `account` (nothing of the anonymous one carries over)."""
    from flask_login import login_user

    session.clear()
    session.permanent = True
    login_user(Person(account))
