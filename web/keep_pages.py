"""Staff pages: sign in and out, upload and preview, publish, mark internal, withdraw and
restore, the audit log. Plain forms (CSRF token in each); the work is the keeper's."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_login import logout_user
from flask_wtf.csrf import generate_csrf

from collection import accounts, audit, files, jobs, uploads
from kb.errors import BadQuery, KBError, NotSignedIn
from web.auth import (
    changes,
    client_address,
    csrf,
    current_caller,
    places,
    require,
    sign_in_session,
)
from web.context import get_library
from web.keep_api import WAIT_SECONDS, upload_body
from web.waiting import wait_for

bp = Blueprint("keep", __name__)


@bp.app_context_processor
def _csrf() -> dict:
    return {"csrf_token": generate_csrf}


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    """The sign-in form; a right password starts a session, wrong ones are throttled."""
    target = _local(request.values.get("next"))
    if request.method == "GET":
        return render_template("login.html", next=target, error=None)
    csrf.protect()
    name = (request.form.get("name") or "").strip()
    try:
        account = accounts.sign_in(
            places().database, name, request.form.get("password") or "", client_address()
        )
    except KBError as exc:
        if isinstance(exc, NotSignedIn):
            audit.record(
                places().database, name[:64] or "?", "sign-in failed", "", "", client_address()
            )
        page = render_template("login.html", next=target, error=str(exc), name=name[:64])
        return page, exc.status
    sign_in_session(account)
    audit.record(places().database, account.name, "sign in", "", "", client_address())
    default = url_for("keep.home") if account.role != "reader" else url_for("search.index")
    return redirect(target or default)


@bp.post("/logout")
def logout() -> Response:
    """End the session (a POST with the CSRF token: a link elsewhere cannot sign you out)."""
    csrf.protect()
    caller = current_caller()
    logout_user()
    from flask import session

    session.clear()
    if caller.signed_in:
        audit.record(places().database, caller.name, "sign out", "", "", client_address())
    return redirect(url_for("search.index"))


@bp.get("/keep")
def home() -> str | Response:
    """The upload page: the form, the newest uploads and the archive (editors)."""
    if (refused := page_guard("editor")) is not None:
        return refused
    return render_template(
        "keep.html",
        uploads=uploads.recent(places()),
        archive=files.archived(places()),
    )


@bp.post("/keep/uploads")
@upload_body
@changes("editor")
def upload() -> Response:
    """Stage the files chosen on the upload page, then show the first one's preview."""
    caller = current_caller()
    sent = [f for f in request.files.getlist("file") if f.filename]
    if not sent:
        raise BadQuery("choose a file to upload")
    first = None
    for item in sent:
        upload_id, job = uploads.receive(
            places(), item.stream, item.filename, caller.name, None, client_address()
        )
        wait_for(job, WAIT_SECONDS)
        first = first or upload_id
    if len(sent) > 1:
        return redirect(url_for(".home"))
    return redirect(url_for(".preview", upload_id=first))


@bp.get("/keep/uploads/<upload_id>")
def preview(upload_id: str) -> str | Response:
    """What kb understood of an upload, and the button to publish it."""
    if (refused := page_guard("editor")) is not None:
        return refused
    return render_template("upload.html", upload=uploads.get(places(), upload_id[:100]))


@bp.post("/keep/uploads/<upload_id>/publish")
@changes("editor")
def publish(upload_id: str) -> Response:
    """Publish from the preview page (internal when the box is ticked)."""
    internal = request.form.get("internal") == "on"
    job = jobs.add(
        places().database,
        "publish",
        upload_id[:100],
        current_caller().name,
        client_address(),
        internal=internal,
    )
    row = wait_for(job, WAIT_SECONDS)
    if row is not None:
        jobs.raise_failure(row)
    return redirect(url_for(".preview", upload_id=upload_id[:100]))


@bp.post("/keep/documents/<doc_id>/<action>")
@changes("editor")
def document_action(doc_id: str, action: str) -> Response:
    """Mark internal / public, withdraw or restore from a document page or the archive list."""
    options = {}
    if action in ("internal", "public"):
        options, action = {"internal": action == "internal"}, "internal"
    if action not in ("internal", "withdraw", "restore"):
        raise BadQuery(f"unknown action {action!r}")
    if action != "restore":
        get_library().version(doc_id[:100])
    job = jobs.add(
        places().database,
        action,
        doc_id[:100],
        current_caller().name,
        client_address(),
        **options,
    )
    row = wait_for(job, 3 * WAIT_SECONDS)  # the page that follows must show the change
    if row is not None:
        jobs.raise_failure(row)
    if action == "withdraw":
        return redirect(url_for(".home"))
    return redirect(url_for("documents.document", doc_id=doc_id[:100]))


@bp.get("/keep/audit")
def audit_page() -> str | Response:
    """The audit log (admins)."""
    if (refused := page_guard("admin")) is not None:
        return refused
    return render_template("audit.html", entries=audit.entries(places().database, 500))


def page_guard(role: str) -> Response | None:
    """A page for `role`: anonymous visitors go to the sign-in form, others must have it."""
    if not current_caller().signed_in:
        return redirect(url_for("keep.login", next=request.full_path.rstrip("?")))
    require(role)
    return None


def _local(target: str | None) -> str | None:
    """A `next` address only when it stays on this site (no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
