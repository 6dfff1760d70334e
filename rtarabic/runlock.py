"""One run at a time per archive: an advisory lock on ``<db>.lock``.

The lock is ``fcntl.flock`` on a file beside the archive's resolved path, so that
two names of one file (a symlink, ``./``) share one lock. The kernel releases a
flock when its process dies, however it dies, so a run killed with SIGKILL never
blocks the next one. The file holds the holder's pid, host and start time (JSON)
while the run lasts and is emptied on a clean release; a run that finds the lock
free but the file still filled knows it is taking over from a killed run (and
says so, also when the content is unreadable).

The lock is taken once per run, before anything opens the archive: by ``scrapy
crawl`` before it builds the crawler (the spider reads the archive when it is
built; see ``rtarabic/commands/crawl.py``), else by ``RunLockExtension`` (a crawl
started any other way, such as Scrapyd or ``scrapy runspider``), which under
``scrapy crawl`` only takes over releasing it when the engine stops. Setting:
``RTARABIC_LOCK_ENABLED``. README: "Running from cron".
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
from dataclasses import asdict, dataclass

from scrapy import signals
from scrapy.exceptions import NotConfigured

from rtarabic.dates import utc_now
from rtarabic.health import EXIT_ARCHIVE, EXIT_LOCKED, EXIT_STATUS

logger = logging.getLogger(__name__)

__all__ = ["EXIT_LOCKED", "LockHeld", "LockUnusable", "RunLock", "hold_all", "release_all"]


@dataclass(frozen=True)
class Holder:
    """Who holds (or held) a lock."""

    pid: int
    host: str
    started: str

    @classmethod
    def current(cls) -> Holder:
        return cls(pid=os.getpid(), host=socket.gethostname(), started=utc_now())

    @classmethod
    def parse(cls, text: str) -> Holder | None:
        """The holder written in a lock file, or None for an empty or unreadable one."""
        try:
            data = json.loads(text)
            return cls(pid=int(data["pid"]), host=str(data["host"]), started=str(data["started"]))
        except (ValueError, KeyError, TypeError):
            return None


class LockHeld(Exception):
    """Another live process holds the lock."""

    def __init__(self, path: str, holder: Holder | None):
        self.path = path
        self.holder = holder
        super().__init__(refusal_message(path, holder))


class LockUnusable(Exception):
    """The lock file cannot be opened or locked (a directory, no permission)."""


def refusal_message(path: str, holder: Holder | None) -> str:
    """The log line of a refused run.

    >>> refusal_message("output/rtarabic.db.lock", Holder(12, "h", "2026-01-01T00:00:00+00:00"))
    'another rtarabic run (pid 12, started 2026-01-01T00:00:00+00:00) holds output/rtarabic.db.lock; exiting'
    """
    who = f"pid {holder.pid}, started {holder.started}" if holder else "pid unknown"
    return f"another rtarabic run ({who}) holds {path}; exiting"


def lock_path(db_path: str | os.PathLike) -> str:
    """The lock file of an archive, beside its resolved path: ``output/rtarabic.db`` ->
    ``/abs/output/rtarabic.db.lock`` (a symlink to the archive names its target's lock)."""
    return os.path.realpath(os.fspath(db_path)) + ".lock"


def archive_paths(settings) -> list[str]:
    """Every SQLite archive a crawl with these settings reads or writes, once per resolved file.

    ``RTARABIC_DB`` (read by incremental runs) plus each archive feed (``sqlite:`` URIs, and paths
    in the sqlite format that the ``ArchiveFeeds`` add-on routes to them).

    :param settings: Scrapy settings (or any mapping with ``get``/``getdict``)
    """
    from rtarabic.feeds import SCHEME, route_sqlite_feeds, uri_to_path

    paths = []
    if settings.get("RTARABIC_DB"):
        paths.append(os.fspath(settings.get("RTARABIC_DB")))
    try:
        feeds = route_sqlite_feeds(settings.getdict("FEEDS"))
    except ValueError:
        feeds = {}  # a remote archive feed: refused by feeds.check_feeds
    for uri in feeds:
        if uri.startswith(f"{SCHEME}:"):
            paths.append(os.fspath(uri_to_path(uri)))
    unique = {os.path.realpath(p): p for p in paths}
    return [unique[k] for k in sorted(unique)]


class RunLock:
    """A non-blocking exclusive lock on one file.

    >>> lock = RunLock("output/rtarabic.db.lock")
    >>> stale = lock.acquire()      # raises LockHeld if a live run holds it
    >>> lock.release()

    :param path: the lock file; its directory is created if missing
    """

    def __init__(self, path: str):
        self.path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> Holder | None:
        """Take the lock; return the holder of a stale lock taken over, if any."""
        try:
            directory = os.path.dirname(self.path)
            if directory:
                os.makedirs(directory, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except FileExistsError:  # makedirs: a part of the directory is a file
            raise LockUnusable(f"cannot use the lock file {self.path}: {directory} is not a directory") from None
        except OSError as error:
            raise LockUnusable(f"cannot use the lock file {self.path}: {error.strerror or error}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = Holder.parse(_read(fd))
            os.close(fd)
            raise LockHeld(self.path, holder) from None
        content = _read(fd)
        stale = Holder.parse(content)
        if stale is None and content.strip():
            logger.warning(
                "lock file %(path)s held %(size)d bytes that are not a lock record (a killed run's "
                "partial write, or another program's); taken over",
                {"path": self.path, "size": len(content.encode())},
            )
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(asdict(Holder.current())).encode(), 0)
        os.fsync(fd)
        self._fd = fd
        return stale

    def release(self) -> None:
        """Empty the file (a clean end) and drop the lock. The file stays: unlinking
        it would let a waiting process lock an inode nobody else can see."""
        if self._fd is None:
            return
        os.ftruncate(self._fd, 0)
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None


def _read(fd: int) -> str:
    return os.pread(fd, 4096, 0).decode("utf-8", "replace")


# Locks this process holds, by lock file: each taken once per run.
_held: dict[str, RunLock] = {}


def holds(db_path: str | os.PathLike) -> bool:
    """Whether this process holds the lock of an archive."""
    return lock_path(db_path) in _held


def hold(db_path: str | os.PathLike) -> None:
    """Take the lock of an archive for this process.

    Logs a warning when a stale lock from a killed run is taken over.

    :raises LockHeld: another process holds it
    :raises LockUnusable: the lock file cannot be opened
    :raises RuntimeError: this process holds it already (a lock is taken once per run)
    """
    path = lock_path(db_path)
    if path in _held:
        raise RuntimeError(f"{path} is held by this process already")
    lock = RunLock(path)
    stale = lock.acquire()
    if stale is not None:
        logger.warning(
            "stale lock from pid %(pid)s (started %(started)s on %(host)s) on %(path)s taken over",
            {"pid": stale.pid, "started": stale.started, "host": stale.host, "path": path},
        )
    _held[path] = lock


def unhold(db_path: str | os.PathLike) -> None:
    """Release the lock of an archive, if this process holds it."""
    lock = _held.pop(lock_path(db_path), None)
    if lock is not None:
        lock.release()


def hold_all(paths: list[str]) -> None:
    """Hold every archive's lock, or none of them (raises LockHeld or LockUnusable)."""
    taken = []
    try:
        for path in paths:
            hold(path)
            taken.append(path)
    except (LockHeld, LockUnusable):
        release_all(taken)
        raise


def release_all(paths: list[str]) -> None:
    for path in paths:
        unhold(path)


class RunLockExtension:
    """Holds the archives' locks from crawler setup until the engine stops.

    Extensions are built before the engine opens the spider, the pipelines and the
    feed storages, so nothing has written when a refusal stops the crawl. (The
    spider object itself is built just before the extensions: it must not open the
    archive in ``__init__``.) Under ``scrapy crawl`` the command has taken the lock
    already; this extension then only releases it when the engine stops.
    """

    def __init__(self, crawler, paths: list[str]):
        self.crawler = crawler
        self.paths = paths

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("RTARABIC_LOCK_ENABLED"):
            raise NotConfigured("RTARABIC_LOCK_ENABLED is False: runs on the same archive may overlap")
        paths = archive_paths(crawler.settings)
        if not all(holds(path) for path in paths):
            # Not under `scrapy crawl`, which has taken the lock and checked the archives already.
            from rtarabic import preflight

            try:
                hold_all(paths)
                preflight.check_archives(paths, preflight.busy_timeout_ms(crawler.settings))
                preflight.check_warc_dir(crawler.settings.get("RTARABIC_WARC_DIR"))
            except (LockHeld, LockUnusable, preflight.Refusal) as exc:
                logger.error("%(message)s", {"message": str(exc)})
                status = exc.status if isinstance(exc, preflight.Refusal) else EXIT_ARCHIVE
                crawler.stats.set_value(EXIT_STATUS, EXIT_LOCKED if isinstance(exc, LockHeld) else status)
                release_all(paths)
                raise
        ext = cls(crawler, paths)
        crawler.signals.connect(ext.engine_stopped, signal=signals.engine_stopped)
        return ext

    def engine_stopped(self):
        release_all(self.paths)
