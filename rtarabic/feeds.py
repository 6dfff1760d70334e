"""Scrapy feed export into the SQLite archive (``rtarabic.archive``).

- ``SQLiteFeedStorage`` (scheme ``sqlite``) opens the archive, never a plain
  file: a Scrapy exporter would get a binary file that ``-O`` truncates.
  ``sqlite:///abs/path.db`` names an absolute path (like ``file:///``),
  ``sqlite:relative/path.db`` a relative one.
- ``SQLiteItemExporter`` (formats ``sqlite`` and ``db``, the latter so that
  ``-o sqlite:///x.db`` needs no ``:sqlite`` suffix) hands items to the
  storage's ``ArchiveSink``, which writes them in batches.
- ``ArchiveFeeds``, an add-on (``ADDONS``), derives the default ``FEEDS`` from
  ``RTARABIC_DB`` and ``RTARABIC_JSONL`` unless ``-o``/``-O``/``FEEDS`` chose
  feeds, and routes any feed of the sqlite format through ``SQLiteFeedStorage``.

Overwriting (``-O`` or ``overwrite: True``) an archive is refused with a
``ValueError``: the archive only grows, every write is an upsert by id.

A write that fails (a full disk, another connection's write transaction held
past ``RTARABIC_DB_BUSY_TIMEOUT``) never raises into Scrapy's feed exporter,
which would keep the item from the feeds after this one: the sink stops
writing, counts what it could not store (``rtarabic/archive/unstored``),
records the error (``rtarabic/archive/error``) and the storage closes the spider
(finish reason ``archive_failed``), so nothing more is fetched. The run's
verdict and its ``runs`` row are written by ``RunHealthMonitor`` through
:meth:`SQLiteFeedStorage.finish_run`, after every feed has closed.

Settings (defaults in ``rtarabic/settings.py``): ``RTARABIC_DB``,
``RTARABIC_JSONL``, ``RTARABIC_DB_BATCH_SIZE``, ``RTARABIC_DB_BATCH_SECONDS``,
``RTARABIC_DB_BUSY_TIMEOUT``.
"""

import io
import json
import logging
import sqlite3
import time
from pathlib import Path
from urllib.parse import urlparse

from scrapy.exporters import BaseItemExporter
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings
from twisted.internet import task
from w3lib.url import file_uri_to_path

from rtarabic import health
from rtarabic.archive import BUSY_TIMEOUT_MS, EDIT, REEXTRACTION, Archive
from rtarabic.items import EXPORT_FIELDS
from rtarabic.signals import archive_stored, article_alias, article_withdrawn

logger = logging.getLogger(__name__)

SCHEME = "sqlite"
#: Feed formats written by ``SQLiteItemExporter``.
FORMATS = ("sqlite", "db")


def uri_to_path(uri: str) -> Path:
    """The file named by a ``sqlite:`` feed URI.

    Example::

        uri_to_path("sqlite:///srv/rt/archive.db")  # PosixPath('/srv/rt/archive.db')

    :param uri: ``sqlite:///absolute/path`` or ``sqlite:relative/path``
    :raises ValueError: naming ``uri`` when it is not such a URI
    """
    scheme, _, rest = uri.partition(":")
    if scheme != SCHEME or not rest:
        raise ValueError(f"Not a sqlite feed URI: {uri!r} (expected sqlite:///absolute/path.db)")
    if rest.startswith("//"):
        rest = rest[2:]
        if not rest.startswith("/"):
            raise ValueError(
                f"sqlite feed URI {uri!r} has a host part; use sqlite:///absolute/path.db or sqlite:relative/path.db"
            )
    if "?" in rest or "#" in rest:
        raise ValueError(f"sqlite feed URI {uri!r}: query strings and fragments are not supported")
    return Path(rest)


def path_to_uri(path: str | Path) -> str:
    """The ``sqlite:`` feed URI of a (possibly relative) path, made absolute."""
    return f"{SCHEME}://{Path(path).absolute().as_posix()}"


class ArchiveSink(io.RawIOBase):
    """The "file" ``SQLiteFeedStorage.open`` returns: items in, batched upserts out.

    Items and aliases wait in memory until ``batch_size`` items are pending or
    the oldest has waited ``batch_seconds``; each batch is one transaction.
    After a failed write (``error`` set) nothing more is written: items are
    counted in ``unstored`` and ``on_error`` has been called once.

    :param archive: the open archive (None: it could not be opened; call ``fail`` at once)
    :param batch_size: most items per transaction
    :param batch_seconds: longest time an item waits before it is written
    :param stats: a Scrapy stats collector, or ``None``
    :param on_error: called with the one-line error when a write fails
    :param reason: how changed articles came about (``"edit"``, or ``"re-extraction"`` from WARC files)
    :param run_id: the run whose withdrawals and events the batches record
    """

    def __init__(self, archive: Archive | None, *, batch_size: int, batch_seconds: float, stats=None,
                 on_error=None, reason: str = EDIT, run_id: int | None = None):
        super().__init__()
        self.archive = archive
        self.reason = reason
        self.run_id = run_id
        self.batch_size = max(1, batch_size)
        self.batch_seconds = batch_seconds
        self.stats = stats
        self.on_error = on_error
        self.error: str | None = None
        self.unstored = 0
        self.totals = {"new": 0, "updated": 0, "unchanged": 0, "aliases": 0, "withdrawn": 0, "reinstated": 0}
        self._items: list = []
        self._aliases: list[tuple] = []
        self._withdrawals: list[tuple] = []
        self._oldest: float | None = None

    def add_item(self, item) -> None:
        if self.error is not None:
            self._count_unstored(1)
            return
        self._items.append(item)
        self._note_pending()
        if len(self._items) >= self.batch_size:
            self.flush()
        else:
            self.flush_if_due()

    def add_alias(self, article_id: int, alias: str, kind: str) -> None:
        if self.error is not None:
            return
        self._aliases.append((article_id, alias, kind))
        self._note_pending()

    def add_withdrawal(self, article_id: int, status: int, seen_at: str) -> None:
        if self.error is not None:
            return
        self._withdrawals.append((article_id, status, seen_at))
        self._note_pending()

    def _note_pending(self) -> None:
        if self._oldest is None:
            self._oldest = time.monotonic()

    def flush_if_due(self) -> None:
        if self._oldest is not None and time.monotonic() - self._oldest >= self.batch_seconds:
            self.flush()

    def flush(self, *, listings=None, run_id: int | None = None) -> None:
        """Write every pending item and alias, and ``listings`` coverage of run ``run_id``, in one transaction."""
        if self.closed or self.error is not None or not (self._items or self._aliases or self._withdrawals
                                                         or listings):
            return
        try:
            counts = self.archive.upsert_articles(
                self._items, aliases=self._aliases, listings=listings, run_id=run_id or self.run_id,
                withdrawals=self._withdrawals, reason=self.reason,
            )
        except sqlite3.Error as error:
            self.fail(f"writing {len(self._items)} articles to {self.archive.path} failed: {error}")
            return
        self._items, self._aliases, self._withdrawals, self._oldest = [], [], [], None
        for key, value in counts.items():
            self.totals[key] += value
            if self.stats is not None and value:
                self.stats.inc_value(f"rtarabic/archive/{key}", value)

    def fail(self, message: str) -> None:
        """Stop writing: the pending items count as unstored, ``on_error`` learns why (once)."""
        first = self.error is None
        self.error = self.error or message
        if self.stats is not None:
            self.stats.set_value(health.ARCHIVE_ERROR, self.error)
        self._count_unstored(len(self._items))
        self._items, self._aliases, self._withdrawals, self._oldest = [], [], [], None
        if first and self.on_error is not None:
            self.on_error(self.error)

    def _count_unstored(self, n: int) -> None:
        self.unstored += n
        if self.stats is not None and n:
            self.stats.inc_value(health.ARCHIVE_UNSTORED, n)

    def close(self) -> None:
        if not self.closed:
            self.flush()
            if self.archive is not None:
                self.archive.close()
        super().close()


class SQLiteItemExporter(BaseItemExporter):
    """Exports items into the ``ArchiveSink`` of a ``sqlite:`` feed.

    Every exported field is stored whatever ``FEED_EXPORT_FIELDS`` says: the
    archive's columns are ``rtarabic.items.EXPORT_FIELDS``.
    """

    def __init__(self, file, **kwargs):
        super().__init__(dont_fail=True, **kwargs)
        if not isinstance(file, ArchiveSink):
            raise ValueError("The sqlite feed format writes only to sqlite: feed URIs (sqlite:///path/archive.db)")
        self.sink = file

    def export_item(self, item) -> None:
        self.sink.add_item(item)

    def finish_exporting(self) -> None:
        self.sink.flush()


class SQLiteFeedStorage:
    """Feed storage for ``sqlite:`` URIs: the archive file, opened for upserts.

    :param uri: ``sqlite:///absolute/path.db`` or ``sqlite:relative/path.db``
    :param feed_options: the feed's ``FEEDS`` options; ``overwrite`` is refused
    """

    def __init__(self, uri: str, *, feed_options: dict | None = None, batch_size: int = 100,
                 batch_seconds: float = 5.0, busy_timeout_ms: int = BUSY_TIMEOUT_MS, crawler=None):
        self.path = uri_to_path(uri)
        refuse_overwrite(uri, feed_options)
        self.batch_size = batch_size
        self.batch_seconds = batch_seconds
        self.busy_timeout_ms = busy_timeout_ms
        self.crawler = crawler
        self.sink: ArchiveSink | None = None
        self.run_id: int | None = None
        self._timer: task.LoopingCall | None = None
        self._early_aliases: list[tuple] = []
        self._early_withdrawals: list[tuple] = []

    @classmethod
    def from_crawler(cls, crawler, uri: str, *, feed_options: dict | None = None):
        storage = cls(
            uri,
            feed_options=feed_options,
            batch_size=crawler.settings.getint("RTARABIC_DB_BATCH_SIZE", 100),
            batch_seconds=crawler.settings.getfloat("RTARABIC_DB_BATCH_SECONDS", 5.0),
            busy_timeout_ms=int(crawler.settings.getfloat("RTARABIC_DB_BUSY_TIMEOUT", 30.0) * 1000),
            crawler=crawler,
        )
        # Connected now, not in open(): Scrapy opens a storage at the first
        # exported item, and an alias can be found before it (a run whose first
        # article is a republished copy).
        crawler.signals.connect(storage._alias_found, signal=article_alias)
        crawler.signals.connect(storage._withdrawal_found, signal=article_withdrawn)
        return storage

    def open(self, spider) -> ArchiveSink:
        stats = self.crawler.stats if self.crawler else None
        # A run reading WARC files (-a warc=) re-extracts stored pages: what changes is our reading, not the site.
        reason = REEXTRACTION if getattr(getattr(spider, "args", None), "warc", None) else EDIT
        sizes = {"batch_size": self.batch_size, "batch_seconds": self.batch_seconds, "stats": stats,
                 "on_error": self._archive_failed, "reason": reason}
        archive = None
        try:
            archive = Archive(self.path, busy_timeout_ms=self.busy_timeout_ms)
            self.run_id = archive.start_run(run_arguments(spider, self.crawler), started=_start_time(stats))
        except sqlite3.Error as error:
            if archive is not None:
                archive.close()
            # Never raise into the feed exporter: the item would not reach the other feeds.
            self.sink = ArchiveSink(None, **sizes)
            self.sink.fail(f"opening {self.path} failed: {error}")
            return self.sink
        self.sink = ArchiveSink(archive, run_id=self.run_id, **sizes)
        for alias in self._early_aliases:
            self.sink.add_alias(*alias)
        for withdrawal in self._early_withdrawals:
            self.sink.add_withdrawal(*withdrawal)
        self._timer = task.LoopingCall(self.sink.flush_if_due)
        self._timer.start(max(self.batch_seconds, 0.1), now=False)
        logger.info("Archiving into %(path)s (run %(run)s)", {"path": self.path, "run": self.run_id})
        return self.sink

    def _alias_found(self, article_id, alias, kind, **kwargs) -> None:
        if self.sink is None:
            self._early_aliases.append((article_id, alias, kind))
        else:
            self.sink.add_alias(article_id, alias, kind)

    def _withdrawal_found(self, article_id, status, seen_at, **kwargs) -> None:
        if self.sink is None:
            self._early_withdrawals.append((article_id, status, seen_at))
        else:
            self.sink.add_withdrawal(article_id, status, seen_at)

    def _archive_failed(self, message: str) -> None:
        logger.error("Archive write failed; stopping the run: %(message)s", {"message": message})
        health.stop_run(self.crawler, health.ARCHIVE_FAILED_REASON)

    def store(self, file: ArchiveSink) -> None:
        """Write the last batch; the ``runs`` row waits for the verdict (``finish_run``).

        The sink's connection belongs to the reactor thread, so the last (small) batch is
        written here rather than in a worker thread.
        """
        if self._timer and self._timer.running:
            self._timer.stop()
        if self.crawler:
            self.crawler.signals.disconnect(self._alias_found, signal=article_alias)
            self.crawler.signals.disconnect(self._withdrawal_found, signal=article_withdrawn)
        file.flush(listings=self.completed_walks(), run_id=self.run_id)
        logger.info("Archive run %(run)s: %(totals)s", {"run": self.run_id, "totals": file.totals})
        if self.crawler:
            self.crawler.signals.send_catch_log(archive_stored, storage=self)
        else:
            self.finish_run({key: file.totals[key] for key in ("new", "updated", "unchanged")})

    def finish_run(self, row: dict) -> None:
        """Close this run's ``runs`` row with ``row`` (``health.run_row``) and the archive.

        :raises sqlite3.Error: when the row cannot be written (the archive is closed all the same)
        """
        sink = self.sink
        if sink is None or sink.closed:
            return
        try:
            if sink.archive is not None and self.run_id is not None:
                sink.archive.finish_run(self.run_id, **row)
        finally:
            sink.close()


    def completed_walks(self) -> dict[str, int]:
        """The listing walks the spider completed, if the run finished cleanly; else none.

        A run cut short (``CLOSESPIDER_*``, Ctrl-C) dropped requests its completed walks had scheduled, so
        those walks cover nothing. CoreStats records ``finish_reason`` in its ``spider_closed`` handler,
        which Scrapy calls before the feed exporter's (it connects first), so the reason is known here.
        """
        if not self.crawler or self.crawler.stats.get_value("finish_reason") != "finished":
            return {}
        return dict(getattr(self.crawler.spider, "completed_walks", None) or {})


def _start_time(stats):
    started = stats.get_value("start_time") if stats else None
    return started.replace(microsecond=0).isoformat() if started else None


def run_arguments(spider, crawler) -> dict:
    """What a run was asked to do: spider, its ``-a`` arguments, ``-s``/``-o`` settings."""
    arguments = {
        key: value
        for key, value in vars(spider).items()
        if not key.startswith("_") and key != "name" and isinstance(value, str | int | float | bool)
    }
    # The -a arguments as given (a re-extraction's warc=PATH among them).
    arguments.update({key: value for key, value in (getattr(spider, "raw_arguments", None) or {}).items()
                      if isinstance(value, str | int)})
    settings = {}
    if crawler:
        cmdline = SETTINGS_PRIORITIES["cmdline"]
        for name, value in crawler.settings.items():
            if crawler.settings.getpriority(name) == cmdline:
                value = value.copy_to_dict() if isinstance(value, BaseSettings) else value
                settings[name] = json.loads(json.dumps(value, default=str))
    return {"spider": spider.name, "arguments": arguments, "settings": settings}


def default_feeds(settings) -> dict:
    """``FEEDS`` for ``RTARABIC_DB`` (sqlite) and ``RTARABIC_JSONL`` (jsonlines); empty ones are left out."""
    feeds = {}
    if settings.get("RTARABIC_DB"):
        feeds[path_to_uri(settings["RTARABIC_DB"])] = {"format": "sqlite", "store_empty": True}
    if settings.get("RTARABIC_JSONL"):
        feeds[settings["RTARABIC_JSONL"]] = {"format": "jsonlines", "encoding": "utf-8", "fields": EXPORT_FIELDS}
    return feeds


def route_sqlite_feeds(feeds: dict) -> dict:
    """``feeds`` with every archive feed on a ``sqlite:`` URI in the ``sqlite`` format.

    A path exported in the sqlite format (``-o archive.db``) would otherwise go
    through Scrapy's file storage, which ``-O`` truncates.

    :raises ValueError: for an archive feed on another storage (s3://, ftp://, ...)
    """
    routed = {}
    for uri, options in feeds.items():
        uri, options = str(uri), dict(options or {})
        scheme = urlparse(uri).scheme
        if options.get("format") in FORMATS or scheme == SCHEME:
            if scheme == "file":
                uri = path_to_uri(file_uri_to_path(uri))
            elif not scheme:
                uri = path_to_uri(uri)
            elif scheme != SCHEME:
                raise ValueError(f"The SQLite archive must be a local file (sqlite:///path.db), not {uri!r}")
            options["format"] = "sqlite"
            options.setdefault("store_empty", True)
        routed[uri] = options
    return routed


def refuse_overwrite(uri: str, feed_options: dict | None) -> None:
    """:raises ValueError: when ``feed_options`` ask to overwrite the archive at ``uri`` (``-O``)."""
    if (feed_options or {}).get("overwrite"):
        raise ValueError(
            f"Refusing to overwrite the SQLite archive {uri} (-O or overwrite=True): the archive only "
            "grows by upserts. Use -o to add this crawl to it, or delete the file yourself to start afresh."
        )


def check_feeds(feeds: dict) -> None:
    """Refuse, before a crawl starts, the archive feeds it could not store (an overwrite, a remote archive).

    :raises ValueError: with the reason
    """
    for uri, options in route_sqlite_feeds(feeds).items():
        if urlparse(uri).scheme == SCHEME:
            refuse_overwrite(uri, options)


class ArchiveFeeds:
    """Add-on: the default feeds, derived from ``RTARABIC_DB`` and ``RTARABIC_JSONL``.

    ``FEEDS`` is read when the crawler starts, after ``-s`` overrides, so a
    value computed in ``settings.py`` would ignore ``-s RTARABIC_DB=...``.
    Feeds chosen with ``-o``/``-O``, ``-s FEEDS=`` or ``FEEDS`` in settings or
    ``custom_settings`` replace the defaults.
    """

    def update_settings(self, settings) -> None:
        if settings.getpriority("FEEDS") > SETTINGS_PRIORITIES["default"] or settings.getdict("FEEDS"):
            feeds, priority = route_sqlite_feeds(settings.getdict("FEEDS")), settings.getpriority("FEEDS")
        else:
            feeds, priority = default_feeds(settings), "addon"
        settings.set("FEEDS", feeds, priority=priority)
