"""Incremental and backfill runs on a persistent archive: what a second run fetches, and what it adds."""

import datetime as dt
import math

import pytest

from rtarabic.archive import Archive
from rtarabic.urls import article_id
from tests.runs import Replica, crawl, runs

pytestmark = pytest.mark.slow

PUBLISHED = 3
SECTIONS = 13


@pytest.fixture
def replica():
    site = Replica(articles=60, faults=False)
    yield site
    site.close()


def fetched_article_ids(replica) -> list[int]:
    """Ids of the article pages the replica served since its counters were reset."""
    by_path = replica.control("stats")["by_path"]
    ids = []
    for path, count in by_path.items():
        if path.startswith(("/listing/", "/tags/", "/rss")):
            continue
        aid = article_id(path)
        if aid is not None:
            ids += [aid] * count
    return sorted(ids)


def recent_ids(db, hours: float) -> set[int]:
    archive = Archive(db)
    try:
        since = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours)).replace(microsecond=0)
        return archive.recent_ids(since.isoformat())
    finally:
        archive.close()


def test_second_run_fetches_the_new_articles_and_recent_revisits_only(replica, tmp_path):
    db = tmp_path / "archive.db"
    first = crawl(replica.base_url, db, "first")
    assert first.returncode == 0, first.log[-3000:]
    archived = {row["id"] for row in Archive(db).db.query("select id from articles")}
    revisitable = recent_ids(db, 48)

    new_ids = replica.control(f"publish?n={PUBLISHED}")["ids"]
    replica.control("reset-stats")
    second = crawl(replica.base_url, db, "second")
    assert second.returncode == 0, second.log[-3000:]

    fetched = fetched_article_ids(replica)
    assert len(fetched) == len(set(fetched)), "an article was fetched twice"
    revisits = set(fetched) - set(new_ids)
    assert set(new_ids) <= set(fetched)
    # No archived article outside the revisit window is fetched again.
    assert revisits <= revisitable
    assert set(fetched) <= set(new_ids) | (archived & revisitable)

    requests = {
        kind: second.stat(f"rtarabic/requests/{kind}") for kind in ("article", "revisit", "listing", "feed")
    }
    assert requests["article"] == PUBLISHED + len(revisits)
    assert requests["revisit"] == len(revisits)
    # Each listing source (the sections, the all-news listing, the tags of the articles fetched) costs its
    # landing page plus at most ceil(k/10) "load more" pages before paging meets only archived articles.
    tags = {tag["slug"] for aid in fetched for tag in replica.site.truth(aid)["tags"]}
    assert requests["listing"] <= (SECTIONS + 1 + len(tags)) * (1 + math.ceil(PUBLISHED / 10))
    assert requests["feed"] <= 1

    row = runs(db)[-1]
    assert (row["new"], row["exit_status"], row["requests"]) == (
        PUBLISHED,
        0,
        second.stat("downloader/request_count"),
    )
    assert f"revisit {len(revisits)}" in row["summary"]
    assert row["new"] + row["updated"] + row["unchanged"] == len(fetched)


def test_no_revisits_outside_a_zero_hour_window(replica, tmp_path):
    db = tmp_path / "archive.db"
    assert crawl(replica.base_url, db, "first").returncode == 0
    new_ids = replica.control(f"publish?n={PUBLISHED}")["ids"]
    replica.control("reset-stats")
    second = crawl(replica.base_url, db, "second", RTARABIC_REVISIT_HOURS=0)
    assert second.returncode == 0, second.log[-3000:]
    assert fetched_article_ids(replica) == sorted(new_ids)
    assert (second.stat("rtarabic/requests/article"), second.stat("rtarabic/requests/revisit")) == (
        PUBLISHED,
        0,
    )


def test_backfill_twice_adds_nothing_the_second_time(replica, tmp_path):
    db = tmp_path / "archive.db"
    window = ("-a", "since=2024-01-01", "-a", "until=2024-12-31")
    in_window = sorted(
        aid for aid in replica.site.article_ids() if replica.site.truth(aid)["published"].startswith("2024-")
    )
    assert in_window, "the replica has no 2024 article to backfill"

    first = crawl(replica.base_url, db, "backfill1", *window)
    assert first.returncode == 0, first.log[-3000:]
    assert sorted(item["id"] for item in first.items) == in_window
    replica.control("reset-stats")
    second = crawl(replica.base_url, db, "backfill2", *window)
    assert second.returncode == 0, second.log[-3000:]
    assert second.items == []
    assert second.stat("rtarabic/requests/article") == 0
    assert fetched_article_ids(replica) == []
    assert [(row["new"], row["exit_status"]) for row in runs(db)] == [(len(in_window), 0), (0, 0)]
