"""A site that cannot be reached (rtarabic/reachability.py): one clear line, exit status 6, within 30 s.

Issue 13: offline, a crawl logged a DNS failure for robots.txt and then sat silent for minutes; against a
closed port with the delays off it printed a traceback for each of its 64 failed requests and reported
"Healthy." with exit status 0.
"""

import socket
import time

import pytest

from rtarabic import health
from tests.crawling import TEST_SETTINGS
from tests.runs import crawl, runs

pytestmark = pytest.mark.slow

#: The project's polite defaults (delay, AutoThrottle), as a cron run has them: only the test-only
#: switches are kept from TEST_SETTINGS.
POLITE = {name: TEST_SETTINGS[name] for name in ("TELNETCONSOLE_ENABLED", "REMOTE_CONTROL_ENABLED", "LOG_LEVEL")}


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    "base_url,reason",
    [
        ("closed port", "DownloadConnectionRefusedError: Connection was refused"),
        ("http://nonexistent.invalid", "CannotResolveHostError: DNS lookup failed"),
    ],
)
def test_unreachable_site_stops_within_30_s_with_one_line_and_exit_6(tmp_path, base_url, reason):
    if base_url == "closed port":
        base_url = f"http://127.0.0.1:{closed_port()}"
    db = tmp_path / "archive.db"
    started = time.monotonic()
    result = crawl(base_url, db, "offline", timeout=120, base=POLITE)
    elapsed = time.monotonic() - started
    assert result.returncode == health.EXIT_UNREACHABLE, result.log[-3000:]
    assert elapsed < 30, elapsed
    line = next(line for line in result.log.splitlines() if "[rtarabic.reachability] ERROR" in line)
    assert f"site unreachable: 3 DNS or connection failures and no response from {base_url} (first: {reason}" in line
    assert "check RTARABIC_BASE_URL, the network and DNS" in line and "`make demo`" in line
    assert "Traceback" not in result.log
    (row,) = runs(db)
    assert (row["finish_reason"], row["exit_status"]) == ("site_unreachable", 6)
    assert "Unhealthy: unreachable: site unreachable: " in row["summary"]


def test_without_fail_fast_a_run_that_reached_nothing_is_never_healthy(tmp_path):
    # The delays off and fail-fast off: every start page fails after its retries, each failure is one
    # line (no traceback), and the verdict is "unreachable" with exit status 6, never "Healthy".
    db = tmp_path / "archive.db"
    result = crawl(f"http://127.0.0.1:{closed_port()}", db, "nofast", timeout=120, RETRY_TIMES=1,
                   RTARABIC_UNREACHABLE_AFTER=10_000)
    assert result.returncode == health.EXIT_UNREACHABLE, result.log[-3000:]
    assert "Traceback" not in result.log
    failed = [line for line in result.log.splitlines() if "[scrapy.core.scraper] ERROR: Error downloading" in line]
    assert failed and all(line.endswith("Connection was refused by other side: 111: Connection refused.")
                          for line in failed)
    starts = result.stat(health.START_REQUESTS)
    assert starts >= 14 and result.stat(health.START_ANSWERED) == 0
    assert f"unreachable: none of the {starts} start pages answered" in result.stat(health.SUMMARY)
    assert "Healthy." not in result.log
    assert runs(db)[0]["exit_status"] == 6


def test_start_pages_answered_are_counted(tmp_path):
    from tests.runs import Replica

    site = Replica(articles=20, faults=False)
    try:
        result = crawl(site.base_url, tmp_path / "archive.db", "ok", "-a", "sections=sport", "-a", "max_pages=1")
    finally:
        site.close()
    assert result.returncode == 0, result.log[-3000:]
    assert result.stat(health.START_REQUESTS) == result.stat(health.START_ANSWERED) == 1
