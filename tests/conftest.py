"""Fixtures shared by the test suite."""

import os
from pathlib import Path

import pytest

from tests.replica.running import RunningReplica

# Keep tldextract on its bundled suffix list: no network in tests.
os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""

#: Checks that the stricter replica (issue 9) makes fail until extraction keeps the whole article on
#: real-page markup (issue 10), one node id a line. Strict: each turns red the moment it passes, and
#: is then deleted from the file. The replica is never weakened to turn one green.
PENDING_ISSUE_10 = Path(__file__).with_name("xfail_issue10.txt")


def pytest_collection_modifyitems(items):
    pending = set(PENDING_ISSUE_10.read_text("utf-8").split()) if PENDING_ISSUE_10.exists() else set()
    for item in items:
        if item.nodeid in pending:
            item.add_marker(pytest.mark.xfail(strict=True, reason="issue 10: extraction of real-page markup"))


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
