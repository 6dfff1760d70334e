"""Fixtures shared by the test suite."""

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

# Keep tldextract on its bundled suffix list: no network in tests.
os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""

ROOT = Path(__file__).resolve().parent.parent

#: The fixed clock of the test replicas, so the subprocess and the fixture's Site agree.
REPLICA_NOW = "2026-12-01T09:00:00+00:00"


class RunningReplica:
    """A replica server in a subprocess (``python -m tests.replica``), like Scrapy's MockServer.

    ``base_url`` is what the server printed; ``site`` is a ``Site`` built with the same
    options (and the same base URL) for the ground truth. Mutations made through
    ``control()`` are applied to ``site`` too, so its truth stays in step with the server.
    """

    def __init__(self, articles: int = 300, seed: int = 1, now: str = REPLICA_NOW, faults: bool = True,
                 layout_drift: bool = False, delay: float = 0.0, slow_delay: float = 1.0,
                 sitemap_limit: int | None = None, ddos_guard: bool = False):
        from tests.replica import Site

        args = [sys.executable, "-m", "tests.replica", "--port", "0", "--articles", str(articles),
                "--seed", str(seed), "--now", now, "--delay", str(delay), "--slow-delay", str(slow_delay)]
        if not faults:
            args.append("--no-faults")
        if layout_drift:
            args.append("--layout-drift")
        if ddos_guard:
            args.append("--ddos-guard")
        if sitemap_limit:
            args += ["--sitemap-limit", str(sitemap_limit)]
        self.process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        self.base_url = self.process.stdout.readline().strip()
        if not self.base_url.startswith("http://"):
            self.stop()
            raise RuntimeError(f"replica did not start: {args}")
        self.site = Site(articles=articles, seed=seed, now=now, faults=faults, layout_drift=layout_drift,
                         base_url=self.base_url, slow_delay=slow_delay, sitemap_limit=sitemap_limit)

    def url(self, path: str) -> str:
        return self.base_url + path

    def control(self, path: str):
        """Call ``/_replica/<path>`` (e.g. ``"publish?n=3"``) and mirror mutations on ``site``."""
        with urllib.request.urlopen(f"{self.base_url}/_replica/{path}", timeout=30) as response:
            answer = json.loads(response.read())
        command, _, query = path.partition("?")
        params = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
        if command == "publish":
            self.site.publish(int(params.get("n", 1)))
        elif command == "edit":
            self.site.edit(int(params["id"]))
        elif command == "republish":
            self.site.republish(int(params["id"]))
        elif command == "drift":
            self.site.set_drift(params.get("on", "1") == "1")
        return answer

    def stats(self) -> dict:
        return self.control("stats")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process.stdout.close()


@pytest.fixture(scope="session")
def replica():
    """The default replica site (300 articles, faults on), shared by the session: do not mutate it."""
    server = RunningReplica()
    yield server
    server.stop()


@pytest.fixture
def make_replica():
    """Factory of private replicas: ``make_replica(articles=40, faults=False, layout_drift=True, ...)``."""
    servers = []

    def start(**options) -> RunningReplica:
        server = RunningReplica(**options)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


# --- Crawls (spider) ------------------------------------------------------------------------


@pytest.fixture
def crawl(tmp_path):
    """``crawl(base_url, *args, archive=False, **settings) -> CrawlResult``: a real ``scrapy crawl
    rtarabic`` subprocess with test politeness and a stats file (see tests/crawling.py)."""
    from tests.crawling import run_crawl

    def run(base_url, *args, **settings):
        return run_crawl(base_url, tmp_path, *args, **settings)

    return run
