"""Faults at rates, on every kind of page (feeds, sitemaps and listings too): the replica answers 5% of
requests with 500, 2% with 503, 1% with 429 and Retry-After, starts a burst of five 503s on 0.6%, lets 2%
time out, truncates 2% of article pages and puts the DDoS-Guard 403 in front of 1%. The crawl completes,
retries what is retryable, stores nothing broken and counts every fault."""

import json
import urllib.request

import pytest

from tests.reliability import rows, run_crawl
from tests.replica.running import RunningReplica

pytestmark = pytest.mark.slow

RATES = "500=0.05,503=0.02,429=0.01,503burst=0.006,timeout=0.02,truncated=0.02,403=0.01"
TIMEOUT = 3  # DOWNLOAD_TIMEOUT of the crawl (generous: a loaded machine must not add timeouts); the replica stays silent twice as long


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("faults")
    replica = RunningReplica(articles=300, faults=False,
                             extra=("--fault-rates", RATES, "--fault-seed", "7", "--timeout-delay", str(2 * TIMEOUT)))
    try:
        db, stats_file = tmp / "archive.db", tmp / "stats.json"
        code = run_crawl(replica.base_url, db, tmp / "crawl.log", DOWNLOAD_TIMEOUT=TIMEOUT,
                         RTARABIC_STATS_FILE=str(stats_file), RETRY_TIMES=3)
        with urllib.request.urlopen(replica.base_url + "/_replica/stats", timeout=30) as response:
            served = json.loads(response.read())
        yield {"code": code, "stats": json.loads(stats_file.read_text("utf-8")), "served": served,
               "rows": rows(db, "articles", "id"), "site": replica.site, "log": (tmp / "crawl.log").read_text()}
    finally:
        replica.stop()


def test_every_kind_of_fault_happened(crawled):
    injected = crawled["served"]["injected"]
    assert set(injected) == {"500", "503", "429", "503burst", "timeout", "truncated", "403"}, injected


def test_crawl_completes(crawled):
    stats = crawled["stats"]
    assert stats["finish_reason"] == "finished"
    assert "Traceback" not in crawled["log"]
    # The interstitials make the run unhealthy (RTARABIC_HEALTH_MAX_BLOCKED = 0), and only they do.
    assert crawled["code"] == 3
    assert [p for p in stats["rtarabic/health/problems"] if "block" not in p] == []


def test_stored_rows_equal_truth(crawled):
    site = crawled["site"]
    assert crawled["rows"], "nothing stored"
    for article_id, row in crawled["rows"].items():
        truth = site.truth(article_id)
        stored = {k: json.loads(row[k]) if k in ("tags", "image", "links") and row[k] else row[k] for k in truth}
        assert stored == truth


def test_retryable_faults_are_retried(crawled):
    stats, injected = crawled["stats"], crawled["served"]["injected"]
    # Only a burst can outlast a request's retries: when few requests are in flight, its retries are the
    # next requests the burst answers.
    given_up = stats.get("retry/max_reached", 0)
    assert given_up <= injected["503burst"]
    assert stats["retry/count"] >= injected["500"] + injected["503"] + injected["429"] + injected["timeout"]
    # Only the interstitials (never retried: the block is the answer), pages truncated on every try and
    # pages given up in a burst may be missing.
    missing = set(crawled["site"].article_ids()) - set(crawled["rows"])
    assert len(missing) <= injected["403"] + stats.get("rtarabic/extract/failed/truncated", 0) + given_up


def test_every_fault_is_counted(crawled):
    stats, injected = crawled["stats"], crawled["served"]["injected"]
    assert stats.get("downloader/response_status_count/500", 0) == injected["500"]
    assert stats.get("downloader/response_status_count/429", 0) == injected["429"]
    # Each burst answers 503 to the next five requests, whatever they ask for.
    assert injected["503"] < stats.get("downloader/response_status_count/503", 0) <= injected["503"] + 5 * injected["503burst"]
    timeouts = sum(v for k, v in stats.items() if k.startswith("downloader/exception_type_count/")
                   and "Timeout" in k)
    assert timeouts == injected["timeout"]
    assert stats.get("rtarabic/blocked", 0) == injected["403"]
    truncated = stats.get("retry/reason_count/truncated", 0) + stats.get("rtarabic/extract/failed/truncated", 0)
    assert truncated == injected["truncated"]
