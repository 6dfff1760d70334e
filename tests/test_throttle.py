"""Back-off on 429/5xx through AutoThrottle: a real crawl against a replica that says "too many requests"."""

import doctest
import threading
import time

from rtarabic import throttle
from tests.crawling import run_crawl
from tests.replica.generator import Site
from tests.replica.server import ReplicaHandler, running

NOW = "2026-12-01T09:00:00+00:00"


def test_doctests():
    assert doctest.testmod(throttle).failed == 0


class TooManyRequests(ReplicaHandler):
    """The first request for each article answers 429 with ``Retry-After: 1``; every request's time is noted."""

    lock = threading.Lock()
    times: dict[int, list[float]] = {}

    def article(self, article_id, amp, path, match):
        with self.lock:
            seen = self.times.setdefault(article_id, [])
            seen.append(time.monotonic())
            first = len(seen) == 1
        if first:
            return self.send(429, "<html><body>Too Many Requests</body></html>", headers={"Retry-After": "1"})
        return super().article(article_id, amp, path, match)


def crawl_two_articles(tmp_path, **settings):
    """A crawl of the replica's two newest articles, one at a time, each answered 429 first; the crawl's
    result, the articles' ids and the times of every request, in order."""
    site = Site(articles=30, seed=4, now=NOW, faults=False)
    chosen = site.article_ids()[-2:]
    TooManyRequests.times.clear()
    with running(site, handler=TooManyRequests):
        urls = ",".join(site.url(i) for i in chosen)
        result = run_crawl(site.base_url, tmp_path, "-a", f"urls={urls}", CONCURRENT_REQUESTS_PER_DOMAIN=1,
                           RETRY_TIMES=2, **settings)
    return result, chosen, sorted(t for seen in TooManyRequests.times.values() for t in seen)


def test_a_429_with_retry_after_slows_the_host_down_through_autothrottle(tmp_path):
    result, chosen, times = crawl_two_articles(tmp_path, AUTOTHROTTLE_ENABLED=True, AUTOTHROTTLE_START_DELAY=0,
                                               AUTOTHROTTLE_MAX_DELAY=5, RANDOMIZE_DOWNLOAD_DELAY=False)
    assert result.returncode == 0, result.log[-3000:]
    assert sorted(result.ids) == sorted(chosen)
    assert result.stat("rtarabic/backoff") == 2
    assert sum(v for k, v in result.stats.items() if k.startswith("retry/reason_count/429")) == 2
    # Every request after the first 429 waited for the delay Retry-After asked for.
    assert len(times) == 4
    assert all(later - earlier >= 0.9 for earlier, later in zip(times[1:], times[2:], strict=False))
    assert times[1] - times[0] >= 0.9


def test_without_backoff_the_retries_do_not_wait(tmp_path):
    result, _, times = crawl_two_articles(tmp_path, RTARABIC_BACKOFF_ENABLED=False)
    assert result.returncode == 0, result.log[-3000:]
    assert result.stat("rtarabic/backoff") == 0
    assert times[-1] - times[0] < 0.9
