"""Helpers of the reliability suite (tests/test_reliability_*.py): crawls that can be killed,
replicas with extra options, and archive comparisons.
"""

import sqlite3
import subprocess
from pathlib import Path

from tests.crawling import ROOT, crawl_command, crawl_env
from tests.replica.running import REPLICA_NOW

#: Columns that differ between two correct archives of the same site (each run writes its own WARC files).
VOLATILE = {"crawled_at", "first_seen", "last_seen", "warc_file", "warc_offset"}


def start_crawl(base_url: str, db: Path, log: Path, *args: str, **settings) -> subprocess.Popen:
    """``scrapy crawl rtarabic`` into ``db`` with the test politeness overrides, no JSON Lines, its
    output appended to ``log``."""
    command = crawl_command(base_url, *args, **{"RTARABIC_DB": str(db), "RTARABIC_JSONL": "", **settings})
    with open(log, "ab") as handle:
        return subprocess.Popen(command, cwd=ROOT, env=crawl_env(), stdout=handle, stderr=subprocess.STDOUT)


def run_crawl(base_url: str, db: Path, log: Path, *args: str, timeout: float = 300, **settings) -> int:
    process = start_crawl(base_url, db, log, *args, **settings)
    return process.wait(timeout=timeout)


def rows(db: Path, table: str, key: str) -> dict:
    """``{key: row}`` of a table, volatile columns left out."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return {row[key]: {k: row[k] for k in row.keys() if k not in VOLATILE}
                for row in conn.execute(f"select * from [{table}]")}
    finally:
        conn.close()


def integrity(db: Path) -> list[str]:
    """Problems SQLite finds in the file and in the full-text index (empty when sound)."""
    conn = sqlite3.connect(db)
    try:
        problems = [r[0] for r in conn.execute("pragma integrity_check") if r[0] != "ok"]
        try:
            conn.execute("insert into articles_search(articles_search) values ('integrity-check')")
        except sqlite3.DatabaseError as error:
            problems.append(f"articles_search: {error}")
        return problems
    finally:
        conn.close()


class InProcessReplica:
    """The replica's own server in a thread of the test process, with two hooks:

    - ``overrides``: ``{path: callable(handler)}`` answers those paths instead of the replica
      (a redirect off the host, a hostile body);
    - ``transform(body: str, content_type: str) -> str``: rewrites every text answer (links
      injected into pages, feeds and listing fragments).
    """

    def __init__(self, articles: int = 60, seed: int = 5, transform=None):
        from contextlib import ExitStack

        from tests.replica import Site
        from tests.replica.server import ReplicaHandler, running

        class Handler(ReplicaHandler):
            def route(self, path, raw_path):
                override = self.server.overrides.get(path) or self.server.overrides.get(raw_path)
                if override:
                    return override(self)
                return super().route(path, raw_path)

            def send(self, status, body, content_type="text/html; charset=utf-8", headers=None, length=None):
                hook = self.server.transform
                if hook and isinstance(body, str) and body and status == 200:
                    body = hook(body, content_type)
                return super().send(status, body, content_type, headers, length)

        self.site = Site(articles=articles, seed=seed, now=REPLICA_NOW, faults=False)
        self._running = ExitStack()
        # No request comes before the constructor returns the base URL: the hooks are in place by then.
        self.server = self._running.enter_context(running(self.site, handler=Handler))
        self.server.overrides = {}
        self.server.transform = transform
        self.base_url = self.server.base_url

    @property
    def overrides(self) -> dict:
        return self.server.overrides

    def stop(self) -> None:
        self._running.close()


class Witness:
    """An HTTP server that must receive nothing: it records every request it gets."""

    def __init__(self):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        requests = self.requests = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                requests.append((self.command, self.headers.get("Host"), self.path))
                body = b"<html><body><h1>offsite</h1><p>offsite page</p></body></html>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_HEAD = do_POST = do_GET

            def log_message(self, format, *args):  # noqa: A002 - quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
