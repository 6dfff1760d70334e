"""Real ``scrapy crawl rtarabic`` runs into a persistent archive, for the run-health, lock and incremental tests.

Unlike ``tests.crawling.run_crawl`` (which replaces the feeds with ``-O``), these runs use the project's
default feeds, so every run writes ``RTARABIC_DB`` and its ``runs`` row exactly as a cron run does.
"""

import json
import subprocess
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path

import sqlite_utils

from tests.crawling import ROOT, CrawlResult, crawl_command, crawl_env


def command(base_url: str, db: Path, name: str, *args: str, **settings) -> list[str]:
    """The crawl command line; run ``name``'s JSON Lines and stats go beside ``db``."""
    db = Path(db)
    files = {
        "RTARABIC_DB": str(db),
        "RTARABIC_JSONL": str(db.parent / f"{name}.jsonl"),
        "RTARABIC_STATS_FILE": str(db.parent / f"{name}-stats.json"),
    }
    return crawl_command(base_url, *args, **{**files, **settings})


def crawl(base_url: str, db: Path, name: str, *args: str, timeout: float = 240, **settings) -> CrawlResult:
    """Run one crawl to its end; returns its items, stats, exit status and log."""
    done = subprocess.run(
        command(base_url, db, name, *args, **settings),
        cwd=ROOT,
        env=crawl_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return result(db, name, done.returncode, done.stderr + done.stdout)


def start(base_url: str, db: Path, name: str, *args: str, **settings) -> subprocess.Popen:
    """Start a crawl in the background (stderr to ``<name>.log`` beside ``db``)."""
    log = open(Path(db).parent / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        command(base_url, db, name, *args, **settings),
        cwd=ROOT,
        env=crawl_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def result(db: Path, name: str, returncode: int, log: str) -> CrawlResult:
    folder = Path(db).parent
    jsonl, stats = folder / f"{name}.jsonl", folder / f"{name}-stats.json"
    items = [json.loads(line) for line in jsonl.read_text("utf-8").splitlines()] if jsonl.exists() else []
    return CrawlResult(
        items=items,
        stats=json.loads(stats.read_text("utf-8")) if stats.exists() else {},
        returncode=returncode,
        log=log,
    )


def wait_for_lock(db: Path, pid: int, timeout: float = 60) -> None:
    """Wait until process ``pid`` has written itself into the archive's lock file."""
    lock = Path(f"{db}.lock")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if lock.exists() and f'"pid": {pid},' in lock.read_text():
            return
        time.sleep(0.05)
    raise AssertionError(f"pid {pid} never took {lock}")


def runs(db: Path) -> list[dict]:
    """The archive's ``runs`` rows, oldest first."""
    return list(sqlite_utils.Database(db).query("select * from runs order by id"))


class Replica:
    """A replica site served over HTTP on 127.0.0.1 from a thread of the test process."""

    def __init__(self, **options):
        from tests.replica.generator import Site
        from tests.replica.server import running

        delay = options.pop("delay", 0.0)
        self.site = Site(**options)
        self._running = ExitStack()
        self.server = self._running.enter_context(running(self.site, delay=delay))
        self.base_url = self.server.base_url

    def control(self, command: str) -> dict:
        with urllib.request.urlopen(f"{self.base_url}/_replica/{command}", timeout=30) as answer:
            return json.loads(answer.read())

    def close(self) -> None:
        self._running.close()
