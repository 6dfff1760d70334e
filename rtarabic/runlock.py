"""One run at a time per archive: an advisory lock on ``<db>.lock``.

The lock is ``fcntl.flock`` on a file beside the archive. The kernel releases a
flock when its process dies, however it dies, so a run killed with SIGKILL never
blocks the next one. The file holds the holder's pid, host and start time (JSON)
while the run lasts and is emptied on a clean release; a run that finds the lock
free but the file still filled knows it is taking over from a killed run.

``scrapy crawl`` takes the lock before it builds the crawler (see
``rtarabic/commands/crawl.py``), so a refused run never opens the archive; the
``RunLockExtension`` takes it for any other way of starting a crawl and releases
it when the engine stops. Setting: ``RTARABIC_LOCK_ENABLED``. README: "Running
from cron".
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from scrapy import signals
from scrapy.exceptions import NotConfigured

logger = logging.getLogger(__name__)

#: Exit status of a run refused because another run holds the lock.
EXIT_LOCKED = 4


@dataclass(frozen=True)
class Holder:
    """Who holds (or held) a lock."""

    pid: int
    host: str
    started: str

    @classmethod
    def current(cls) -> Holder:
        started = datetime.now(UTC).replace(microsecond=0).isoformat()
        return cls(pid=os.getpid(), host=socket.gethostname(), started=started)

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


def refusal_message(path: str, holder: Holder | None) -> str:
    """The log line of a refused run.

    >>> refusal_message("output/rtarabic.db.lock", Holder(12, "h", "2026-01-01T00:00:00+00:00"))
    'another rtarabic run (pid 12, started 2026-01-01T00:00:00+00:00) holds output/rtarabic.db.lock; exiting'
    """
    who = f"pid {holder.pid}, started {holder.started}" if holder else "pid unknown"
    return f"another rtarabic run ({who}) holds {path}; exiting"


def lock_path(db_path: str | os.PathLike) -> str:
    """The lock file of an archive: ``output/rtarabic.db`` -> ``output/rtarabic.db.lock``."""
    return os.fspath(db_path) + ".lock"


def archive_paths(settings) -> list[str]:
    """Every SQLite archive a crawl with these settings reads or writes.

    ``RTARABIC_DB`` (read by incremental runs) plus each ``sqlite://`` feed.

    :param settings: Scrapy settings (or any mapping with ``get``/``getdict``)
    """
    paths = []
    if settings.get("RTARABIC_DB"):
        paths.append(os.fspath(settings.get("RTARABIC_DB")))
    for uri in settings.getdict("FEEDS"):
        uri = os.fspath(uri)
        if uri.startswith("sqlite://"):
            paths.append(uri[len("sqlite://") :])
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
        directory = os.path.dirname(self.path)
        if directory:
            os.makedirs(directory, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = Holder.parse(_read(fd))
            os.close(fd)
            raise LockHeld(self.path, holder) from None
        stale = Holder.parse(_read(fd))
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


# Locks this process holds, by real path, with a hold count: the crawl command and
# the extension both ask for the same lock within one process.
_held: dict[str, list] = {}


def hold(db_path: str | os.PathLike) -> None:
    """Hold the lock of an archive for this process (re-entrant).

    Logs a warning when a stale lock from a killed run is taken over.

    :raises LockHeld: another process holds it
    """
    path = lock_path(db_path)
    key = os.path.realpath(path)
    if key in _held:
        _held[key][1] += 1
        return
    lock = RunLock(path)
    stale = lock.acquire()
    if stale is not None:
        logger.warning(
            "stale lock from pid %(pid)s (started %(started)s on %(host)s) on %(path)s taken over",
            {"pid": stale.pid, "started": stale.started, "host": stale.host, "path": path},
        )
    _held[key] = [lock, 1]


def unhold(db_path: str | os.PathLike) -> None:
    """Undo one ``hold``; the lock is released when the last hold goes."""
    key = os.path.realpath(lock_path(db_path))
    entry = _held.get(key)
    if entry is None:
        return
    entry[1] -= 1
    if entry[1] <= 0:
        entry[0].release()
        del _held[key]


def hold_all(paths: list[str]) -> None:
    """Hold every archive's lock, or none of them (raises LockHeld)."""
    taken = []
    try:
        for path in paths:
            hold(path)
            taken.append(path)
    except LockHeld:
        for path in taken:
            unhold(path)
        raise


class RunLockExtension:
    """Holds the archives' locks from crawler setup until the engine stops.

    Extensions are built before the engine opens the spider, the pipelines and the
    feed storages, so nothing has written when a refusal stops the crawl. (The
    spider object itself is built just before the extensions: it must not open the
    archive in ``__init__``.) Under ``scrapy crawl`` the command already holds the
    lock and this adds a hold.
    """

    def __init__(self, crawler, paths: list[str]):
        self.crawler = crawler
        self.paths = paths

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("RTARABIC_LOCK_ENABLED"):
            raise NotConfigured("RTARABIC_LOCK_ENABLED is False: runs on the same archive may overlap")
        paths = archive_paths(crawler.settings)
        try:
            hold_all(paths)
        except LockHeld as exc:
            logger.error("%(message)s", {"message": str(exc)})
            crawler.stats.set_value("rtarabic/health/exit_status", EXIT_LOCKED)
            raise
        ext = cls(crawler, paths)
        crawler.signals.connect(ext.engine_stopped, signal=signals.engine_stopped)
        return ext

    def engine_stopped(self):
        for path in self.paths:
            unhold(path)
