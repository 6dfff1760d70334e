"""The SQLite archive: every article once, its earlier versions, and each run.

Plain Python, usable without Scrapy (``rtarabic.feeds`` adapts it to Scrapy's
feed exports). Tables, all created here with sqlite-utils:

- ``articles``: one row per article id, every ``EXPORT_FIELDS`` column
  (``tags``, ``image``, ``links`` as JSON text) plus ``first_seen``,
  ``last_seen`` and ``revision_count``;
- ``tags`` and ``article_tags``: the tags, many-to-many;
- ``revisions``: the version an article had before each content_hash change;
- ``aliases``: other ids and URLs under which an archived article was seen;
- ``runs``: one row per crawl;
- ``listings``: per listing (``home``, ``section:<slug>``, ``tag:<slug>``), the
  newest article id at the top of its last complete walk (``covered_top``),
  recorded with the last batch of a cleanly finished run;
- ``articles_search``: FTS5 over the normalised (``rtarabic.arabic``) title,
  summary and body, rowid = article id;
- ``article_events``: an article withdrawn by the site (404/410 on a revisit or
  backfill; the row stays and gains ``withdrawn_at``) and reinstated (a later 200
  clears it).

Each article row, and each revision, names the WARC record of the page it was
read from (``warc_file``, ``warc_offset``; ``rtarabic.capture``). A revision's
``reason`` tells an edit on the site (``edit``) from a new reading of a stored
page (``re-extraction``, ``scrapy crawl rtarabic -a warc=PATH``).

**Schema versions.** The file carries its version in ``PRAGMA user_version``.
Opening an older archive applies the missing steps of ``MIGRATIONS`` in order, in
one transaction (all or nothing, no row lost); opening a newer one raises
``ArchiveTooNew`` (``scrapy crawl`` exits 5 with that one line). The archives
written before versioning are version 0.

Writes never delete an article and never replace the file. Each call of
:meth:`Archive.upsert_articles` is one transaction, so an article's row, tags,
revision and search row are stored together or not at all. The database runs
in WAL mode, so readers (Datasette) work while a crawl writes. Write
transactions begin as writes (``BEGIN IMMEDIATE``), so that a writer waits the
busy timeout for another one instead of failing at once; :func:`check_archive`
refuses, before a run, a file that is corrupt or whose schema is not ours.
"""

import functools
import json
import os
import sqlite3
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path

import sqlite_utils
from itemadapter import ItemAdapter

from rtarabic.arabic import fts_query, normalize_arabic, register_functions
from rtarabic.dates import utc_now
from rtarabic.items import EXPORT_FIELDS, ArticleItem

#: Milliseconds a connection waits for another one's lock before failing.
BUSY_TIMEOUT_MS = 30_000

#: Columns stored as JSON text.
JSON_FIELDS = ("tags", "image", "links")

#: Columns a revision keeps of the version it replaces.
REVISION_FIELDS = ("content_hash", "title", "summary", "body", "modified")

#: Count columns of ``runs`` that :meth:`Archive.finish_run` fills.
RUN_COUNTS = ("new", "updated", "unchanged", "dropped", "failed", "blocked", "requests", "exit_status")

#: JSON columns of ``runs`` (schema version 2): the run's WARC files, and its article pages fetched but
#: not stored, by reason (``rtarabic.health.not_stored``).
RUN_JSON = ("warc_files", "not_stored")

#: Columns of ``articles`` (and ``revisions``) naming the WARC record a version was read from.
WARC_FIELDS = ("warc_file", "warc_offset")

#: ``revisions.reason``: a change made by the site, or a new reading of a stored page.
EDIT, REEXTRACTION = "edit", "re-extraction"

SEARCH_FIELDS = ("title", "summary", "body")


def _column_type(annotation) -> type:
    base = {a for a in typing.get_args(annotation) if a is not type(None)} or {annotation}
    (base,) = base
    return int if base is int else str


#: ``articles`` columns and types, derived from the item. A new archive is created with them all; a field
#: added to the item also needs a step in ``MIGRATIONS`` adding its column to older archives.
ARTICLE_COLUMNS = {
    **{f.name: _column_type(f.type) for f in fields(ArticleItem) if f.name in EXPORT_FIELDS},
    "first_seen": str,
    "last_seen": str,
    "revision_count": int,
}


def article_row(item) -> dict:
    """The ``articles`` columns of an item (``ArticleItem``, dict or any item).

    Example::

        article_row(item)["tags"]  # '[{"name": "مصر", "slug": "egypt"}]'

    :param item: an exported article
    """
    adapter = ItemAdapter(item)
    row = {name: adapter.get(name) for name in (*EXPORT_FIELDS, *WARC_FIELDS)}
    for name in JSON_FIELDS:
        if row[name] is not None:
            row[name] = json.dumps(row[name], ensure_ascii=False)
    return row


def search_row(row: dict) -> tuple:
    """The normalised ``(title, summary, body)`` indexed for ``row``."""
    return tuple(normalize_arabic(row.get(name)) for name in SEARCH_FIELDS)


def connect(path: str | Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> sqlite3.Connection:
    """A connection to the archive file with our pragmas and SQL functions.

    :param path: the SQLite file (created if missing, never truncated)
    :param busy_timeout_ms: how long a statement waits for another connection's lock
    """
    conn = sqlite3.connect(str(path), timeout=busy_timeout_ms / 1000)
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    register_functions(conn)
    return conn


class ArchiveUnusable(Exception):
    """The archive file cannot be used: its one-line message says why (``scrapy crawl`` exits 5)."""


def check_archive(path: str | Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
    """Refuse an archive that is corrupt or whose schema is not ours (a missing one is left to be created).

    Runs ``PRAGMA quick_check`` (it reads the whole file: about a second per few hundred MB), then
    brings the schema up to date and compares every table's columns with the schema this code writes.
    A file it refuses is left as it was found (the upgrade rolls back).

    Example::

        check_archive("output/rtarabic.db")  # ArchiveUnusable: output/rtarabic.db is corrupt: ...

    :raises ArchiveUnusable: with one line naming the file and the fault
    """
    path = Path(path)
    if not path.exists():
        return
    if not os.access(path, os.R_OK | os.W_OK):
        raise ArchiveUnusable(f"cannot read and write the archive {path}: permission denied")
    try:
        conn = connect(path, busy_timeout_ms)
        try:
            result = [row[0] for row in conn.execute("PRAGMA quick_check")]
        finally:
            conn.close()
        if result != ["ok"]:
            more = f" (and {len(result) - 1} more)" if len(result) > 1 else ""
            raise ArchiveUnusable(f"{path} is corrupt: PRAGMA quick_check reports {result[0]!r}{more}")
        archive = Archive(path, busy_timeout_ms=busy_timeout_ms)
    except sqlite3.DatabaseError as error:
        raise ArchiveUnusable(f"{path} is not a usable rtarabic archive: {error}") from None
    except OSError as error:
        raise ArchiveUnusable(f"cannot open the archive {path}: {error.strerror or error}") from None
    try:
        problems = schema_differences(archive.db)
    finally:
        archive.close()
    if problems:
        raise ArchiveUnusable(f"{path} has a schema this version does not know: {'; '.join(problems)}")


@functools.cache
def _expected_columns() -> dict[str, frozenset[str]]:
    reference = sqlite_utils.Database(memory=True)
    register_functions(reference.conn)
    for migration in MIGRATIONS:
        migration(reference)
    return {table.name: frozenset(table.columns_dict) for table in reference.tables}


def schema_differences(db: sqlite_utils.Database) -> list[str]:
    """What ``db`` lacks of the schema a new archive gets (``upgrade``): ``["articles lacks id, body"]``; empty when sound."""
    problems = []
    for name, expected in _expected_columns().items():
        missing = expected - set(db.table(name).columns_dict) if db.table(name).exists() else expected
        if missing:
            problems.append(f"{name} lacks {', '.join(sorted(missing))}")
    return problems


class Archive:
    """The archive in one SQLite file.

    Example::

        archive = Archive("output/rtarabic.db")
        archive.upsert_articles([item])  # {'new': 1, 'updated': 0, 'unchanged': 0, 'aliases': 0}
        archive.search("محمد")

    :param path: the SQLite file; created with every table if missing
    :param busy_timeout_ms: how long a write waits for another connection's write transaction
    """

    def __init__(self, path: str | Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS):
        self.path = Path(path)
        if self.path.parent:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite_utils.Database(connect(self.path, busy_timeout_ms))
        try:
            upgrade(self.db, self.path)
        except BaseException:
            self.db.close()
            raise
        # After the upgrade, so that a file refused as not ours keeps its journal mode too.
        self.db.enable_wal()
        # WAL + NORMAL survives a killed process; only power loss may drop the
        # last commits, never corrupt the file.
        self.db.execute("PRAGMA synchronous = NORMAL")

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """One write transaction that begins as a write (``BEGIN IMMEDIATE``).

        sqlite-utils' ``atomic()`` begins deferred: its first read takes a snapshot, and when another
        connection has written since, SQLite fails the upgrade to a write at once (``database is
        locked``) without waiting the busy timeout. An immediate transaction waits for the write lock
        first. Nested inside another transaction it is a savepoint.
        """
        conn = self.db.conn
        if conn.in_transaction:
            with self.db.atomic():
                yield
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if conn.in_transaction:
                conn.rollback()
            raise
        try:
            conn.commit()
        except BaseException:
            if conn.in_transaction:
                conn.rollback()
            raise

    # --- reading -----------------------------------------------------------------

    def known_ids(self) -> set[int]:
        """Every archived article id, and every id recorded as an alias of one (a republished copy)."""
        ids = {row[0] for row in self.db.execute("select id from articles")}
        aliases = self.db.execute("select alias from aliases where kind = 'id'")
        return ids | {int(row[0]) for row in aliases if row[0].isdigit()}

    def listing_coverage(self) -> dict[str, int]:
        """``listing key -> covered_top`` of every listing walked completely by a finished run."""
        return dict(self.db.execute("select key, covered_top from listings"))

    def last_sweep(self) -> str | None:
        """When the last finished run that walked every listing (a sweep) started, or None.

        The spider marks such runs: ``sweep`` is true among the ``arguments`` the feed storage records.
        """
        sql = ("select max(started) from runs where finish_reason = 'finished' "
               "and json_extract(arguments, '$.arguments.sweep') = 1")
        return self.db.execute(sql).fetchone()[0]

    def recent_ids(self, since_iso: str) -> set[int]:
        """Ids of articles published at or after ``since_iso`` (ISO 8601 UTC)."""
        sql = "select id from articles where published >= ?"
        return {row[0] for row in self.db.execute(sql, [since_iso])}

    def recent_urls(self, since_iso: str) -> dict[int, str]:
        """``id -> url`` of the articles published at or after ``since_iso`` (ISO 8601 UTC)."""
        sql = "select id, url from articles where published >= ?"
        return dict(self.db.execute(sql, [since_iso]).fetchall())

    def known_hashes(self) -> dict[str, int]:
        """``content_hash -> id`` of every archived article."""
        return dict(self.db.execute("select content_hash, id from articles"))

    def search(self, query: str, *, prefix: bool = False, limit: int = 50) -> list[dict]:
        """Articles matching every word of ``query``, best first.

        The query is normalised like the index (``rtarabic.arabic``), so
        ``مُحَمَّد``, ``محمد`` and ``ومحمد`` find the same articles.

        :param query: the user's words (FTS5 syntax is not interpreted)
        :param prefix: match words starting with each query word
        :param limit: most rows returned
        """
        match = fts_query(query, prefix=prefix)
        if not match:
            return []
        sql = (
            "select articles.* from articles_search"
            " join articles on articles.id = articles_search.rowid"
            " where articles_search match ? order by articles_search.rank limit ?"
        )
        return list(self.db.query(sql, [match, limit]))

    # --- writing -----------------------------------------------------------------

    def upsert_articles(self, items, *, aliases=(), listings=None, run_id: int | None = None,
                        withdrawals=(), reason: str = EDIT) -> dict[str, int]:
        """Insert or update ``items`` (and record ``aliases``, ``listings``, ``withdrawals``) in one transaction.

        A new id is inserted; a changed ``content_hash`` moves the stored
        version into ``revisions`` (marked ``reason``) and updates the row; an
        unchanged one only refreshes ``last_seen`` and the other fields. An item
        of a withdrawn article clears ``withdrawn_at`` (event ``reinstated``).

        Example::

            archive.upsert_articles([item, edited_item])  # {'new': 1, 'updated': 1, 'unchanged': 0, 'aliases': 0}

        :param items: articles (``ArticleItem`` or dicts with every exported field)
        :param aliases: ``(article_id, alias, kind)`` tuples stored in the same transaction
        :param listings: ``{listing key: covered_top}`` of walks completed by run ``run_id``; each
            replaces the listing's row, in the same transaction as the items, so that a process killed
            before it commits leaves the coverage as it was
        :param run_id: the run that walked ``listings`` (and that saw ``withdrawals``)
        :param withdrawals: ``(article_id, status, seen_at)`` of article pages that answered 404/410;
            an archived article among them gains ``withdrawn_at`` (kept from its first withdrawal)
        :param reason: what changed a changed article: ``"edit"`` (a crawl) or ``"re-extraction"``
        :return: counts ``{"new", "updated", "unchanged", "aliases", "withdrawn", "reinstated"}``
            (aliases and withdrawals: those not known before)
        """
        if reason not in (EDIT, REEXTRACTION):
            raise ValueError(f"revision reason must be {EDIT!r} or {REEXTRACTION!r}, not {reason!r}")
        counts = {"new": 0, "updated": 0, "unchanged": 0, "aliases": 0, "withdrawn": 0, "reinstated": 0}
        with self.writing():
            for item in items:
                outcome, reinstated = self._upsert_one(article_row(item), reason=reason, run_id=run_id)
                counts[outcome] += 1
                counts["reinstated"] += reinstated
            for article_id, status, seen_at in withdrawals:
                counts["withdrawn"] += self._withdraw(article_id, status, seen_at, run_id)
            for article_id, alias, kind in aliases:
                counts["aliases"] += self._insert_alias(article_id, alias, kind)
            if listings:
                walked_at = utc_now()
                rows = [{"key": key, "covered_top": int(top), "walked_at": walked_at, "run_id": run_id}
                        for key, top in listings.items()]
                self.db.table("listings").upsert_all(rows, pk="key")
        return counts

    def _upsert_one(self, row: dict, *, reason: str = EDIT, run_id: int | None = None) -> tuple[str, bool]:
        seen = row.get("crawled_at") or utc_now()
        try:
            old = self.db.table("articles").get(row["id"])
        except sqlite_utils.db.NotFoundError:
            old = None
        if old is None:
            outcome, first_seen, revisions = "new", seen, 0
        else:
            first_seen, revisions = old["first_seen"], old["revision_count"]
            outcome = "unchanged" if old["content_hash"] == row["content_hash"] else "updated"
        if outcome == "updated":
            revision = {name: old[name] for name in (*REVISION_FIELDS, *WARC_FIELDS)}
            self.db.table("revisions").insert(
                {"article_id": row["id"], **revision, "replaced_at": seen, "reason": reason}
            )
            revisions += 1
        if outcome == "unchanged" and row.get("warc_file") is None:
            # Fetched without capture: the stored record still shows this same text.
            row = {**row, **{name: old[name] for name in WARC_FIELDS}}
        reinstated = old is not None and old["withdrawn_at"] is not None
        full = {**row, "first_seen": first_seen, "last_seen": seen, "revision_count": revisions,
                "withdrawn_at": None}
        self.db.table("articles").upsert(full, pk="id")
        if reinstated:
            self._event(row["id"], "reinstated", seen, f"withdrawn since {old['withdrawn_at']}", run_id)
        self._store_tags(row["id"], json.loads(row["tags"] or "[]"))
        if old is None or search_row(old) != search_row(row):
            self._store_search(row)
        return outcome, reinstated

    def _withdraw(self, article_id: int, status: int, seen_at: str, run_id: int | None) -> bool:
        cursor = self.db.execute(
            "update articles set withdrawn_at = ? where id = ? and withdrawn_at is null", [seen_at, article_id]
        )
        if cursor.rowcount:
            self._event(article_id, "withdrawn", seen_at, f"HTTP {status}", run_id)
        return cursor.rowcount == 1

    def _event(self, article_id: int, event: str, at: str, detail: str, run_id: int | None) -> None:
        self.db.table("article_events").insert(
            {"article_id": article_id, "event": event, "at": at, "detail": detail, "run_id": run_id}
        )

    def withdrawn(self) -> list[dict]:
        """Archived articles the site withdrew (their last fetch answered 404/410), newest withdrawal first."""
        return list(self.db.query(
            "select id, url, title, published, withdrawn_at from articles"
            " where withdrawn_at is not null order by withdrawn_at desc, id desc"
        ))

    def _store_tags(self, article_id: int, tags: list[dict]) -> None:
        if tags:
            self.db.table("tags").upsert_all(tags, pk="slug")
        self.db.execute("delete from article_tags where article_id = ?", [article_id])
        links = [{"article_id": article_id, "tag_slug": tag["slug"]} for tag in tags]
        self.db.table("article_tags").insert_all(links, pk=("article_id", "tag_slug"), ignore=True)

    def _store_search(self, row: dict) -> None:
        self.db.execute("delete from articles_search where rowid = ?", [row["id"]])
        self.db.execute(
            "insert into articles_search (rowid, title, summary, body) values (?, ?, ?, ?)",
            [row["id"], *search_row(row)],
        )

    def add_alias(self, article_id: int, alias: str | int, kind: str) -> bool:
        """Record that ``alias`` (another id or URL) names article ``article_id``.

        :param article_id: the archived article
        :param alias: the other id (stored as text) or URL
        :param kind: ``"id"`` or ``"url"``
        :return: whether the alias was new
        """
        with self.writing():
            return self._insert_alias(article_id, alias, kind)

    def _insert_alias(self, article_id: int, alias: str | int, kind: str) -> bool:
        if kind not in ("id", "url"):
            raise ValueError(f"alias kind must be 'id' or 'url', not {kind!r}")
        alias = str(alias)
        if alias == str(article_id):
            return False
        cursor = self.db.execute(
            "insert or ignore into aliases (alias, kind, article_id, first_seen) values (?, ?, ?, ?)",
            [alias, kind, article_id, utc_now()],
        )
        return cursor.rowcount == 1

    def start_run(self, arguments: dict | None = None, *, started: str | None = None) -> int:
        """Open a ``runs`` row and return its id.

        :param arguments: what the run was asked to do (stored as JSON)
        :param started: ISO 8601 UTC start time (default: now)
        """
        with self.writing():
            table = self.db.table("runs")
            table.insert({"started": started or utc_now(), "arguments": json.dumps(arguments or {}, ensure_ascii=False)})
            run_id = table.last_pk
            self._mark_unfinished_runs(run_id)
            return run_id

    def _mark_unfinished_runs(self, run_id: int) -> None:
        # Runs hold the archive's lock, so a row left unfinished before this one is a run that died
        # (SIGKILL, power loss): give it a reason and a status instead of NULLs forever.
        self.db.execute(
            "update runs set finish_reason = 'killed', exit_status = 3,"
            " summary = 'The run ended without recording its end (killed, or the machine stopped); marked by run '"
            " || ? where finished is null and finish_reason is null and id < ?",
            [run_id, run_id],
        )

    def finish_run(self, run_id: int, *, finish_reason: str | None = None, summary=None, **counts) -> None:
        """Close run ``run_id``: finish time, reason and counts.

        :param run_id: from :meth:`start_run`
        :param finish_reason: Scrapy's finish reason
        :param summary: free text or JSON-able value
        :param counts: any of ``new updated unchanged dropped failed blocked requests exit_status``,
            and the JSON-able ``warc_files`` (names) and ``not_stored`` (``{reason: pages}``)
        """
        unknown = set(counts) - set(RUN_COUNTS) - set(RUN_JSON)
        if unknown:
            raise TypeError(f"unknown run counts: {sorted(unknown)}")
        if summary is not None and not isinstance(summary, str):
            summary = json.dumps(summary, ensure_ascii=False)
        for name in RUN_JSON:
            if counts.get(name) is not None:
                counts[name] = json.dumps(counts[name], ensure_ascii=False)
        values = {"finished": utc_now(), "finish_reason": finish_reason, "summary": summary, **counts}
        with self.writing():
            self.db.table("runs").update(run_id, {k: v for k, v in values.items() if v is not None})


@contextmanager
def open_existing(path: str | Path | None) -> Iterator[Archive | None]:
    """The archive at ``path``, closed on exit; None when there is no such file yet.

    What a run reads at its start (archived ids, content hashes) without creating an archive.

    Example::

        with open_existing("output/rtarabic.db") as archive:
            known = archive.known_ids() if archive else set()

    :param path: the SQLite file, or None/"" for no archive
    """
    if not path or not Path(path).exists():
        yield None
        return
    archive = Archive(path)
    try:
        yield archive
    finally:
        archive.close()


class ArchiveLookup:
    """Read-only questions to the archive file, answered by indexed queries instead of loading it.

    A run asks this rather than holding every archived id or content hash in memory (the archive
    grows to a million articles). It has its own connection: in WAL mode it sees the rows another
    connection (the feed storage, in the same process) has committed, not those still pending.

    Example::

        lookup = ArchiveLookup("output/rtarabic.db")
        lookup.is_known(1500000), lookup.id_for_hash("9f86d0...")  # (True, 1499990)

    :param path: an existing archive file whose schema is in place (``Archive`` ensures it)
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.conn = connect(self.path)
        self.conn.execute("PRAGMA query_only = ON")

    def close(self) -> None:
        self.conn.close()

    def _one(self, sql: str, params: tuple):
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def is_known(self, article_id: int) -> bool:
        """Whether ``article_id`` is archived, or recorded as an alias (kind ``id``) of an archived article."""
        if self._one("select 1 from articles where id = ?", (article_id,)) is not None:
            return True
        return self._one("select 1 from aliases where alias = ? and kind = 'id'", (str(article_id),)) is not None

    def id_for_hash(self, digest: str) -> int | None:
        """The id of an archived article whose current ``content_hash`` is ``digest`` (the highest such id)."""
        return self._one("select id from articles where content_hash = ? order by id desc limit 1", (digest,))

    def published_of(self, article_id: int) -> str | None:
        """The archived publication time (ISO 8601 UTC) of ``article_id``, None when unknown."""
        return self._one("select published from articles where id = ?", (article_id,))

    def hash_for_id(self, article_id: int) -> str | None:
        """The archived ``content_hash`` of ``article_id``, None when it is not archived."""
        return self._one("select content_hash from articles where id = ?", (article_id,))


def open_lookup(path: str | Path | None) -> ArchiveLookup | None:
    """An ``ArchiveLookup`` over the archive at ``path`` (close it when done); None when there is no such file.

    Brings the file's schema (its indexes) up to date first.

    :param path: the SQLite file, or None/"" for no archive
    """
    with open_existing(path) as archive:
        if archive is None:
            return None
    return ArchiveLookup(path)


class ArchiveTooNew(ArchiveUnusable):
    """The archive was written by a newer release (its schema version is above ``SCHEMA_VERSION``):
    ``scrapy crawl`` refuses it like any archive it cannot use (exit status 5)."""


def schema_version(db: sqlite_utils.Database | sqlite3.Connection) -> int:
    """The archive's schema version (``PRAGMA user_version``; 0 for archives from before versioning)."""
    return db.execute("PRAGMA user_version").fetchone()[0]


def check_version(path: str | Path) -> int:
    """The schema version of the archive at ``path`` (0 when there is no such file), read without writing.

    :raises ArchiveTooNew: with a one-line message, when a newer release wrote it
    """
    path = Path(path)
    if not path.exists():
        return 0
    conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        version = schema_version(conn)
    finally:
        conn.close()
    if version > SCHEMA_VERSION:
        raise ArchiveTooNew(
            f"archive {path} has schema version {version}, newer than this release's {SCHEMA_VERSION}: "
            "update rtarabic before using it (the archive was left untouched)"
        )
    return version


def upgrade(db: sqlite_utils.Database, path: str | Path = "the archive") -> int:
    """Bring ``db`` to ``SCHEMA_VERSION``: the missing ``MIGRATIONS``, in order, in one transaction.

    Example::

        upgrade(sqlite_utils.Database("old.db"))  # 2 (was 0)

    A file created now passes through every step. ``BEGIN IMMEDIATE`` takes the write lock before the
    version is read again, so two processes opening one old archive upgrade it once.

    :raises ArchiveTooNew: when the archive's version is above ``SCHEMA_VERSION`` (nothing is changed)
    :return: the version the archive had
    """
    version = schema_version(db)
    if version == SCHEMA_VERSION:
        return version
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = schema_version(db)
        if version > SCHEMA_VERSION:
            raise ArchiveTooNew(
                f"archive {path} has schema version {version}, newer than this release's {SCHEMA_VERSION}: "
                "update rtarabic before using it (the archive was left untouched)"
            )
        if version == 0 and "articles" not in db.table_names() and db.table_names():
            raise ArchiveUnusable(
                f"{path} is an SQLite file but not an rtarabic archive (it has tables and no articles table): "
                "name a new file or an archive (the file was left untouched)"
            )
        for migration in MIGRATIONS[version:]:
            migration(db)
        # A table of ours that was already there with other columns: refuse, and roll back every
        # table the steps added, so that the file is left as it was found.
        problems = schema_differences(db)
        if problems:
            raise ArchiveUnusable(f"{path} has a schema this version does not know: {'; '.join(problems)}")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except sqlite3.OperationalError as error:
        conn.execute("ROLLBACK")
        # A file whose tables are not ours (a step reads a column it lacks): say what it lacks.
        problems = schema_differences(db) if str(error).startswith(("no such column", "no such table")) else []
        if problems:
            raise ArchiveUnusable(f"{path} has a schema this version does not know: {'; '.join(problems)}") from None
        raise
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return version


def _add_columns(db: sqlite_utils.Database, table: str, columns: dict) -> None:
    present = {column.name for column in db.table(table).columns}
    for name, kind in columns.items():
        if name not in present:
            db.table(table).add_column(name, kind)


def _schema_1(db: sqlite_utils.Database) -> None:
    """Version 1: the tables and indexes of the archives written before versioning (idempotent)."""
    with db.atomic():
        db.table("articles").create(
            ARTICLE_COLUMNS, pk="id", not_null={"url", "title", "body", "content_hash"}, if_not_exists=True
        )
        db.table("tags").create({"slug": str, "name": str}, pk="slug", if_not_exists=True)
        db.table("article_tags").create(
            {"article_id": int, "tag_slug": str},
            pk=("article_id", "tag_slug"),
            foreign_keys=[("article_id", "articles", "id"), ("tag_slug", "tags", "slug")],
            if_not_exists=True,
        )
        db.table("revisions").create(
            {"id": int, "article_id": int, **{name: ARTICLE_COLUMNS[name] for name in REVISION_FIELDS},
             "replaced_at": str},
            pk="id",
            foreign_keys=[("article_id", "articles", "id")],
            if_not_exists=True,
        )
        db.table("aliases").create(
            {"alias": str, "kind": str, "article_id": int, "first_seen": str},
            pk="alias",
            foreign_keys=[("article_id", "articles", "id")],
            if_not_exists=True,
        )
        db.table("runs").create(
            {"id": int, "started": str, "finished": str, "arguments": str, "finish_reason": str,
             **{name: int for name in RUN_COUNTS if name != "exit_status"}, "exit_status": int, "summary": str},
            pk="id",
            if_not_exists=True,
        )
        db.table("listings").create(
            {"key": str, "covered_top": int, "walked_at": str, "run_id": int}, pk="key", if_not_exists=True
        )
        for table, columns in (
            ("articles", ["published"]),
            ("articles", ["section"]),
            ("articles", ["content_hash"]),
            ("article_tags", ["tag_slug"]),
            ("revisions", ["article_id"]),
            ("aliases", ["article_id"]),
        ):
            db.table(table).create_index(columns, if_not_exists=True)
        db.execute(
            "create virtual table if not exists articles_search"
            f" using fts5({', '.join(SEARCH_FIELDS)}, tokenize = 'unicode61')"
        )


def _schema_2(db: sqlite_utils.Database) -> None:
    """Version 2: how each article was read (``extraction``), WARC records, withdrawn articles and their
    events, revision reasons, runs' WARC files and pages not stored."""
    _add_columns(db, "articles", {"extraction": str, "warc_file": str, "warc_offset": int, "withdrawn_at": str})
    _add_columns(db, "revisions", {"warc_file": str, "warc_offset": int, "reason": str})
    db.execute("update revisions set reason = ? where reason is null", [EDIT])
    _add_columns(db, "runs", {name: str for name in RUN_JSON})
    db.table("article_events").create(
        {"id": int, "article_id": int, "event": str, "at": str, "detail": str, "run_id": int},
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
        if_not_exists=True,
    )
    db.table("article_events").create_index(["article_id"], if_not_exists=True)
    db.table("articles").create_index(["withdrawn_at"], if_not_exists=True)


def _schema_3(db: sqlite_utils.Database) -> None:
    """Version 3: the search index rebuilt by the normaliser's rules of ``NORMALIZER_VERSION`` 2 (those
    before stripped a lone و/ف from any word). ``rtarabic.arabic.rebuild_search`` commits on its own,
    so the same two statements run here, inside the upgrade's transaction."""
    columns = ", ".join(SEARCH_FIELDS)
    normalised = ", ".join(f"arabic_normalize({name})" for name in SEARCH_FIELDS)
    db.execute("delete from articles_search")
    db.execute(f"insert into articles_search (rowid, {columns}) select id, {normalised} from articles")


#: Schema steps: ``MIGRATIONS[n]`` brings version ``n`` to ``n + 1``. Append, never edit a released step;
#: a change of the normaliser's rules (``rtarabic.arabic.NORMALIZER_VERSION``) is a new step like ``_schema_3``.
MIGRATIONS = (_schema_1, _schema_2, _schema_3)

#: The schema version this release writes.
SCHEMA_VERSION = len(MIGRATIONS)

