"""Cron runs on a persistent archive: the feed first, sweeps of every listing, conditional requests.

Real ``scrapy crawl`` subprocesses against the replica over HTTP; the replica counts what it served.
"""

import re

import pytest

from tests.replica.generator import Site
from tests.replica.server import ReplicaHandler, running
from tests.runs import Replica, runs
from tests.runs import crawl as archive_crawl

pytestmark = pytest.mark.slow

FEED_SIZE = 30  # items of the replica's /rss/


def crawl(base_url, db, name, *args, **settings):
    """A crawl into ``db``, judged by the default health thresholds."""
    return archive_crawl(base_url, db, name, *args, **settings)


@pytest.fixture
def replica():
    site = Replica(articles=80, faults=False)
    yield site
    site.close()


def served(replica) -> dict:
    stats = replica.control("stats")
    kinds = stats["by_kind"]
    return {"article": kinds.get("article", 0), "rss": kinds.get("rss", 0),
            "listing": sum(kinds.get(k, 0) for k in ("listing", "section", "tag")) + stats["by_path"].get("/", 0),
            "not_modified": stats["not_modified"], "total": stats["total"]}


def test_a_feed_that_reaches_the_archive_is_all_a_cron_run_reads(replica, tmp_path):
    db = tmp_path / "archive.db"
    first = crawl(replica.base_url, db, "first")
    assert first.returncode == 0, first.log[-3000:]
    assert runs(db)[0]["arguments"].count('"sweep": true') == 1  # the first run is a sweep
    new_ids = replica.control("publish?n=5")["ids"]
    replica.control("reset-stats")
    second = crawl(replica.base_url, db, "second", RTARABIC_REVISIT_HOURS=0)
    assert second.returncode == 0, second.log[-3000:]
    assert sorted(second.ids) == sorted(new_ids)
    # robots.txt, the feed and the new articles: nothing else.
    assert served(replica) == {"article": 5, "rss": 1, "listing": 0, "not_modified": 0, "total": 5 + 1 + 1}
    assert second.stat("rtarabic/feed/reached_archive") == 1
    assert '"sweep": false' in runs(db)[-1]["arguments"]


def test_a_feed_that_falls_short_is_continued_by_the_newest_first_listing(replica, tmp_path):
    db = tmp_path / "archive.db"
    assert crawl(replica.base_url, db, "first").returncode == 0
    new_ids = replica.control(f"publish?n={FEED_SIZE + 12}")["ids"]
    replica.control("reset-stats")
    second = crawl(replica.base_url, db, "second", RTARABIC_REVISIT_HOURS=0)
    assert second.returncode == 0, second.log[-3000:]
    assert sorted(second.ids) == sorted(new_ids)
    assert second.stat("rtarabic/feed/reached_archive") == 0
    assert second.stat("rtarabic/listing/stopped_archived") == 1
    # The home page and its "load more" pages of 10, down to the first page showing an archived article.
    counts = served(replica)
    assert counts["article"] == len(new_ids)
    assert counts["listing"] <= 1 + (FEED_SIZE + 12) // 10 + 1
    assert "/tags/" not in " ".join(replica.control("stats")["by_path"])


def test_a_sweep_runs_when_due_and_counts_what_the_feed_missed(tmp_path):
    """The feed leaves out one new article: the cron run after misses it, the sweep finds and counts it."""
    site = Site(articles=80, seed=2, faults=False)
    hidden = []

    class FeedWithout(ReplicaHandler):
        def send(self, status, body, content_type="text/html; charset=utf-8", headers=None, length=None):
            if "rss" in content_type and hidden:
                body = re.sub(rf"<item>(?:(?!</item>).)*/{hidden[0]}-(?:(?!</item>).)*</item>", "", body, flags=re.S)
            return super().send(status, body, content_type, headers, length)

    db = tmp_path / "archive.db"
    with running(site, handler=FeedWithout):
        assert crawl(site.base_url, db, "first").returncode == 0
        new_ids = site.publish(3)
        hidden.append(new_ids[1])
        # No article hops: a new article's read-more links may show the hidden one, a bonus not tested here.
        cron = crawl(site.base_url, db, "cron", RTARABIC_REVISIT_HOURS=0, RTARABIC_ARTICLE_HOPS=0)
        not_due = crawl(site.base_url, db, "not_due", RTARABIC_REVISIT_HOURS=0, RTARABIC_SWEEP_HOURS=24,
                        RTARABIC_ARTICLE_HOPS=0)
        sweep = crawl(site.base_url, db, "sweep", RTARABIC_REVISIT_HOURS=0, RTARABIC_SWEEP_HOURS=0.0001)
    assert (cron.returncode, not_due.returncode, sweep.returncode) == (0, 0, 0), sweep.log[-3000:]
    assert sorted(cron.ids) == sorted(set(new_ids) - set(hidden))
    assert not_due.ids == [] and not_due.stat("rtarabic/requests/listing") == 0
    assert sweep.ids == hidden
    assert sweep.stat("rtarabic/sweep/not_in_feed") == 1
    assert sweep.stat("rtarabic/listing/stopped_known") > 0  # the walks stop at the last sweep's coverage
    assert ['"sweep": true' in row["arguments"] for row in runs(db)] == [True, False, False, True]


def test_feeds_and_listings_are_asked_for_conditionally(replica, tmp_path):
    db = tmp_path / "archive.db"
    assert crawl(replica.base_url, db, "first").returncode == 0
    listings_first = served(replica)["listing"]
    assert (tmp_path / "archive.httpcache").is_dir()
    replica.control("reset-stats")
    # Nothing new: the feed answers 304 and its kept copy shows archived articles.
    quiet = crawl(replica.base_url, db, "quiet", RTARABIC_REVISIT_HOURS=0)
    assert quiet.returncode == 0, quiet.log[-3000:]
    assert served(replica)["not_modified"] == 1
    assert quiet.stat("httpcache/revalidate") == 1 and quiet.ids == []
    replica.control("reset-stats")
    # A sweep with nothing new: every landing page it asks for again answers 304.
    sweep = crawl(replica.base_url, db, "sweep", RTARABIC_REVISIT_HOURS=0, RTARABIC_SWEEP_HOURS=0)
    assert sweep.returncode == 0, sweep.log[-3000:]
    counts = served(replica)
    assert 0 < counts["listing"] <= listings_first
    assert counts["not_modified"] == sweep.stat("httpcache/revalidate") == counts["listing"] + counts["rss"]
    replica.control("reset-stats")
    # Something new: the feed changed, so it is served in full and its new article fetched.
    new_ids = replica.control("publish?n=1")["ids"]
    replica.control("reset-stats")
    after = crawl(replica.base_url, db, "after", RTARABIC_REVISIT_HOURS=0)
    assert after.ids == new_ids and served(replica)["not_modified"] == 0


def test_without_conditional_requests_nothing_is_kept(replica, tmp_path):
    db = tmp_path / "archive.db"
    assert crawl(replica.base_url, db, "first", RTARABIC_CONDITIONAL_REQUESTS=False).returncode == 0
    assert not (tmp_path / "archive.httpcache").exists()




def test_a_date_backfill_probes_the_edges_and_fetches_only_the_window(tmp_path):
    """Issue 12: ids grow with publication time, so a few probes find the window among the sitemap's URLs."""
    site = Site(articles=1500, seed=1, faults=False)
    since, until = "2019-03-01", "2019-04-30"
    in_window = {i for i in site.article_ids() if "2019-03-01" <= site.truth(i)["published"][:10] <= "2019-04-30"}
    db = tmp_path / "archive.db"
    with running(site) as server:
        first = crawl(site.base_url, db, "backfill", "-a", f"since={since}", "-a", f"until={until}")
        fetched = server.stats()["by_kind"].get("article", 0)
        server.reset_stats()
        again = crawl(site.base_url, db, "again", "-a", f"since={since}", "-a", f"until={until}")
        fetched_again = server.stats()["by_kind"].get("article", 0)
    assert first.returncode == 0, first.log[-3000:]
    assert in_window and set(first.ids) == in_window
    probes, listed = first.stat("rtarabic/backfill/probes"), first.stat("rtarabic/backfill/listed")
    assert 0 < probes <= 2 * listed.bit_length()
    assert fetched == first.stat("rtarabic/requests/article") <= len(in_window) + probes < listed
    # The second time the archive dates the probes it stored; only those outside the window are asked again,
    # and the run is healthy although it stores nothing.
    assert (again.returncode, again.ids) == (0, [])
    assert fetched_again == again.stat("rtarabic/backfill/probes") <= probes


def test_a_copy_that_cannot_be_kept_costs_nothing_but_its_next_revalidation(replica, tmp_path):
    # The full-disk probe of issue 14 also hit the kept copies of feeds and listings: writing one raised
    # inside Scrapy's cache middleware and printed a traceback. A cache folder under a regular file fails
    # every write the same way, on any machine.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    done = crawl(replica.base_url, tmp_path / "archive.db", "first", HTTPCACHE_DIR=str(blocker / "cache"))
    assert done.returncode == 0, done.log[-3000:]
    assert "Traceback" not in done.log
    assert done.stat("rtarabic/httpcache/store_failed") > 0
    assert done.log.count("Could not keep a copy of") == 1
    assert len(done.ids) == 80


def test_a_feed_that_fails_to_download_is_retried_not_answered_with_its_old_copy(tmp_path):
    # Scrapy's cache middleware answers a download error with the copy it kept: the old feed, which
    # reaches the archive at once, so the run stopped before the new articles.
    site = Site(articles=60, seed=4, now="2026-12-01T09:00:00+00:00", faults=False)
    drops = []

    class FeedDropsOnce(ReplicaHandler):
        def route(self, path, raw_path):
            if path == "/rss/" and drops and drops.pop():
                self.close_connection = True  # no answer at all: a download error
                return None
            return super().route(path, raw_path)

    db = tmp_path / "archive.db"
    with running(site, handler=FeedDropsOnce):
        assert crawl(site.base_url, db, "first").returncode == 0
        new_ids = site.publish(3)
        drops.extend([True, True])  # twice: Twisted itself retries once a request its kept connection lost
        cron = crawl(site.base_url, db, "cron", RTARABIC_REVISIT_HOURS=0, RETRY_TIMES=2)
    assert cron.returncode == 0, cron.log[-3000:]
    assert cron.stat("httpcache/errorrecovery") == 0
    assert cron.stat("retry/count") >= 1
    assert sorted(cron.ids) == sorted(new_ids)
