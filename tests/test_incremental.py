"""Incremental and backfill runs on a persistent archive: what a second run fetches, and what it adds."""

import datetime as dt
import math

import pytest
import sqlite_utils

from rtarabic.archive import Archive
from rtarabic.urls import SECTIONS as SECTION_SLUGS
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


def stored_ids(db) -> list[int]:
    return sorted(row["id"] for row in sqlite_utils.Database(db).query("select id from articles"))


def coverage(db) -> dict[str, tuple[int, int]]:
    """``listing key -> (covered_top, run_id)``."""
    rows = sqlite_utils.Database(db).query("select key, covered_top, run_id from listings")
    return {row["key"]: (row["covered_top"], row["run_id"]) for row in rows}


def test_a_completed_run_records_the_coverage_of_every_listing_it_walked(replica, tmp_path):
    db = tmp_path / "archive.db"
    replica.control("reset-stats")
    first = crawl(replica.base_url, db, "first")
    assert first.returncode == 0, first.log[-3000:]
    site = replica.site
    walked_tags = {path.strip("/").split("/")[1] for path in replica.control("stats")["by_path"]
                   if path.startswith("/tags/")}
    assert walked_tags
    covered = coverage(db)
    expected_keys = {"home"} | {f"section:{s}" for s in SECTION_SLUGS} | {f"tag:{t}" for t in walked_tags}
    assert set(covered) == expected_keys
    (run_id,) = [row["id"] for row in runs(db)]
    assert {run for _top, run in covered.values()} == {run_id}
    assert first.stat("rtarabic/listing/walks_completed") == len(expected_keys)
    # The top of a walk is the newest id its landing page showed: the listing's newest article at least.
    newest = {"home": site.ids, **{f"section:{s}": site.by_section[s] for s in SECTION_SLUGS},
              **{f"tag:{t}": site.by_tag[t] for t in walked_tags}}
    for key, (top, _run) in covered.items():
        if newest[key]:
            assert max(newest[key]) <= top <= max(site.ids), key

    # A second complete run (a sweep: one that reads the feed first walks no listing) moves the coverage
    # up to the articles published since.
    new_ids = replica.control(f"publish?n={PUBLISHED}")["ids"]
    second = crawl(replica.base_url, db, "second", RTARABIC_REVISIT_HOURS=0, RTARABIC_SWEEP_HOURS=0)
    assert second.returncode == 0, second.log[-3000:]
    assert coverage(db)["home"] == (max(new_ids), runs(db)[-1]["id"])
    assert stored_ids(db) == sorted(replica.site.expected_ids())


@pytest.fixture
def deep_replica():
    """Sections several "load more" pages deep, so that a cut-short run leaves holes below its newest articles."""
    site = Replica(articles=240, faults=False)
    yield site
    site.close()


def test_a_run_cut_short_records_no_coverage_and_the_next_run_fills_the_holes(deep_replica, tmp_path):
    db = tmp_path / "archive.db"
    expected = sorted(deep_replica.site.expected_ids())
    cut = crawl(deep_replica.base_url, db, "cut", CLOSESPIDER_ITEMCOUNT=120, RTARABIC_REVISIT_HOURS=0)
    assert cut.returncode == 3, cut.log[-3000:]
    assert runs(db)[-1]["finish_reason"] == "closespider_itemcount"
    assert cut.stat("rtarabic/listing/walks_completed") > 0  # walks completed, yet the run dropped requests
    assert coverage(db) == {}
    holes = set(expected) - set(stored_ids(db))
    assert holes and len(holes) < len(expected)

    again = crawl(deep_replica.base_url, db, "again", RTARABIC_REVISIT_HOURS=0)
    assert again.returncode == 0, again.log[-3000:]
    assert stored_ids(db) == expected
    assert sorted(again.ids) == sorted(holes)
    assert set(coverage(db)) >= {"home"} | {f"section:{s}" for s in SECTION_SLUGS}
