"""What the keeper does for each kind of job: publish uploads, mark internal, withdraw,
restore. Each changes files first (whole, see collection.files), then updates both indexes
once for the whole batch, then records the outcome and the audit entries."""

from __future__ import annotations

import json
import logging
import time

from collection import audit, jobs
from collection.clock import now
from collection.db import opened
from collection.files import archive_file, restore_file, set_mark, write_whole
from collection.places import Places
from collection.preview import describe, parse_in_child, sniffed_suffix
from collection.uploads import staged_file
from indexer.build import build_index
from kb.access import rules_for
from kb.errors import Conflict, IndexMissing, KBError, NotFound
from kb.library import Library

log = logging.getLogger(__name__)
RECHECK = 1.1  # a Library looks for a new build at most once a second: after this, all have


class Held:
    """The documents the collection holds now: records of the index of everything (or the
    public one while there is none) and the sha256 of every indexed file."""

    def __init__(self, places: Places):
        self.places = places
        self._libraries = [
            Library(places.everything, vectors=False),
            Library(places.index_dir, vectors=False),
        ]

    def _library(self) -> Library | None:
        for library in self._libraries:
            try:
                library.snapshot()
                return library
            except IndexMissing:
                continue
        return None

    def records(self) -> list[dict]:
        library = self._library()
        return list(library.snapshot().docs.records) if library else []

    def files(self) -> dict[str, str]:
        library = self._library()
        return library.store.meta().get("files", {}) if library else {}

    def record(self, doc_id: str) -> dict:
        library = self._library()
        if library is None:
            raise NotFound(f"no document with id {doc_id!r}")
        snap = library.snapshot()
        return snap.docs.records[snap.row_of(doc_id)]


def _update_upload(places: Places, upload_id: str, **fields) -> None:
    fields["updated"] = now()
    names = ", ".join(f"{k} = ?" for k in fields)
    with opened(places.database) as conn:
        conn.execute(f"UPDATE uploads SET {names} WHERE id = ?", (*fields.values(), upload_id))


def _upload_row(places: Places, upload_id: str) -> dict:
    with opened(places.database) as conn:
        row = conn.execute("SELECT * FROM uploads WHERE id = ?", (upload_id,)).fetchone()
    if row is None:
        raise NotFound(f"no upload with id {upload_id!r}")
    return dict(row)


def preview(places: Places, held: Held, job: dict) -> dict:
    """Read a staged upload: its type from its content, then its document, then the preview."""
    upload_id = job["target"]
    row = _upload_row(places, upload_id)
    path = staged_file(places, upload_id)
    try:
        suffix = sniffed_suffix(path)
        source = f"{row['source'].rsplit('.', 1)[0] if row['state'] == 'ready' else row['source']}{suffix}"
        if row["replaces"]:
            source = _replacing_source(held, row["replaces"], suffix) or source
        doc = parse_in_child(path.read_bytes(), source)
        shown = describe(doc, held.records(), held.files())
        if (
            row["replaces"]
            and shown["duplicate_of"]
            and shown["duplicate_of"].get("id") == row["replaces"]
        ):
            shown["duplicate_of"] = None  # a replacement is the same version on purpose
        shown["kind_of_file"] = suffix.lstrip(".")
        _update_upload(
            places,
            upload_id,
            state="ready",
            source=source,
            preview=json.dumps(shown, ensure_ascii=False),
        )
        return {"upload": upload_id}
    except KBError as exc:
        _update_upload(places, upload_id, state="refused", error=str(exc), status=exc.status)
        path.unlink(missing_ok=True)
        raise


def _replacing_source(held: Held, doc_id: str, suffix: str) -> str | None:
    """The source a replacement of `doc_id` is written to: the same file when the format is
    the same (the document keeps its id), else None (a new file; the old one is withdrawn)."""
    source = held.record(doc_id)["source"]
    return source if source.endswith(suffix) else None


def _apply(places: Places, batch: list[dict], step) -> tuple[list, object]:
    """Run `step(job)` on every job (a failure fails that job alone), then update both indexes
    once for the batch; returns [(job, result)] and the index stats (nothing left: [])."""
    done = []
    for job in batch:
        try:
            done.append((job, step(job)))
        except KBError as exc:
            finish(places, job, error=exc)
    if not done:
        return [], None
    try:
        stats = build_index(places.settings, wait=600)
    except KBError as exc:
        for job, _ in done:
            finish(places, job, error=exc)
        return [], None
    time.sleep(RECHECK)
    return done, stats


def publish(places: Places, held: Held, batch: list[dict]) -> None:
    """Write every upload of the batch into the managed folder, then update the indexes once."""
    placed: dict[str, str] = {}
    done, stats = _apply(places, batch, lambda job: _place(places, held, job, placed))
    for job, doc in done:
        doc["build"] = stats.build
        _update_upload(
            places, job["target"], state="published", document=json.dumps(doc, ensure_ascii=False)
        )
        staged_file(places, job["target"]).unlink(missing_ok=True)
        finish(
            places,
            job,
            doc,
            action="publish",
            target=doc["id"],
            detail=f"{doc['title']} ({doc['source']})",
        )


def _place(places: Places, held: Held, job: dict, placed: dict[str, str]) -> dict:
    """Put one upload's file into the collection (idempotent: a redone job finds it there).
    `placed` maps sha256 → source of the files this batch placed before (two editors
    publishing the same file at once: the second is a duplicate too)."""
    row = _upload_row(places, job["target"])
    if row["state"] == "published":
        return json.loads(row["document"])
    if row["state"] not in ("ready", "publishing"):
        raise Conflict(f"upload {row['id']} is {row['state']}: only a read upload is published")
    shown = json.loads(row["preview"])
    data = staged_file(places, row["id"]).read_bytes()
    source = row["source"]
    target = (places.root_of(source) or places.corpus_root) / source
    if not (target.is_file() and target.read_bytes() == data):  # not placed by an earlier try
        files = held.files() | {s: h for h, s in placed.items()}
        duplicate = describe(parse_in_child(data, source), held.records(), files)["duplicate_of"]
        if duplicate and not (row["replaces"] and duplicate.get("id") == row["replaces"]):
            what = duplicate.get("title") or duplicate.get("source")
            raise Conflict(f"a duplicate of a document held already: {what}")
        _update_upload(places, row["id"], state="publishing")
        internal = bool(job["options"].get("internal"))
        if internal:
            set_mark(places.index_dir, source, True)  # before the file exists: never public
        if row["replaces"]:
            _archive_replaced(places, held, row["replaces"], source, job["who"])
        write_whole(target, data)
    placed[row["sha256"]] = source
    rules = rules_for(places.index_dir, places.settings.internal_dirs)
    return {
        "id": shown["document_id"],
        "title": shown["title"],
        "kind": shown["kind"],
        "source": source,
        "internal": rules.internal(source),
    }


def _archive_replaced(places: Places, held: Held, doc_id: str, source: str, who: str) -> None:
    """Keep the file a replacement supersedes: copied to the archive when the new file is
    written over it, moved there when the new one has another name."""
    old = held.record(doc_id)
    root = places.root_of(old["source"])
    if root is None:
        return
    origin = {"id": old["id"], "title": old["title"], "source": old["source"]}
    archive_file(
        places, root, origin | {"reason": "replaced", "by": who}, move=old["source"] != source
    )


def change(places: Places, held: Held, batch: list[dict]) -> None:
    """Mark internal, withdraw or restore every document of the batch, then update the indexes."""
    done, _stats = _apply(places, batch, lambda job: _change(places, held, job))
    for job, result in done:
        finish(
            places,
            job,
            result,
            action=job["kind"],
            target=job["target"],
            detail=result.get("detail", ""),
        )


def _change(places: Places, held: Held, job: dict) -> dict:
    kind, doc_id = job["kind"], job["target"]
    if kind == "restore":
        origin = restore_file(places, doc_id)
        return {
            "id": doc_id,
            "title": origin["title"],
            "state": "published",
            "detail": origin["title"],
        }
    record = held.record(doc_id)
    source = record["source"]
    if kind == "internal":
        internal = bool(job["options"].get("internal"))
        folders = places.settings.internal_dirs
        if (
            not internal
            and rules_for(places.index_dir, folders).internal(source)
            and source not in rules_for(places.index_dir).marked
        ):
            raise Conflict(
                f"{record['title']} lies in an internal folder (KB_INTERNAL_DIRS): move the file to make it public"
            )
        set_mark(places.index_dir, source, internal)
        return {
            "id": doc_id,
            "title": record["title"],
            "internal": internal,
            "detail": f"{record['title']}: {'internal' if internal else 'public'}",
        }
    root = places.root_of(source)
    if root is None:
        raise NotFound(f"the file of {doc_id} is not in the collection")
    origin = {
        "id": doc_id,
        "title": record["title"],
        "source": source,
        "reason": "withdrawn",
        "by": job["who"],
    }
    archive_file(places, root, origin, move=True)
    return {"id": doc_id, "title": record["title"], "state": "withdrawn", "detail": record["title"]}


def finish(
    places: Places,
    job: dict,
    result: dict | None = None,
    error: KBError | None = None,
    action: str = "",
    target: str = "",
    detail: str = "",
) -> None:
    """Record a job's outcome and, when it did something, its audit entry (one transaction)."""
    with opened(places.database) as conn:
        conn.execute("BEGIN IMMEDIATE")
        jobs.finish(conn, job["id"], result, error)
        if error is None and action:
            audit.record(conn, job["who"], action, target, detail, job["address"])
        elif error is not None and job["kind"] != "preview":
            audit.record(
                conn,
                job["who"],
                f"{job['kind']} refused",
                job["target"],
                str(error),
                job["address"],
            )
        conn.execute("COMMIT")
    if error is not None and job["kind"] == "publish":
        row = _upload_row(places, job["target"])
        if row["state"] == "publishing":
            _update_upload(places, job["target"], state="ready")
