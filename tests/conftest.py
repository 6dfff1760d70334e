"""Fixtures shared by the test suite."""

import os

import pytest

from tests.replica.running import RunningReplica

# Keep tldextract on its bundled suffix list: no network in tests.
os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""

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
