"""Tests of the backfill progress lines (rtarabic/progress.py), down to a real ``ids=`` backfill of the replica."""

import re

import pytest
from scrapy.utils.test import get_crawler

from rtarabic.progress import DONE, TOTAL, BackfillProgress, IdSet, format_duration, seconds_left
from tests.crawling import run_crawl

# "Backfill: 12 of 150 article pages (8.0%), 240 pages/min, about 34s left"
LINE = re.compile(r"Backfill: (\d+) of (\d+) article pages \((\d+\.\d)%\), (\d+) pages/min, (about \S+( \S+)? left|time left unknown)")
FINAL = re.compile(r"Backfill finished \((\w+)\): (\d+) of (\d+) article pages in \S+( \S+)? \((\d+) pages/min\)")


@pytest.mark.parametrize(
    "seconds,expected",
    [(0, "0s"), (59.4, "59s"), (60, "1m 00s"), (735, "12m 15s"), (3600, "1h 00m"), (90061, "25h 01m")],
)
def test_format_duration(seconds, expected):
    assert format_duration(seconds) == expected


@pytest.mark.parametrize(
    "done,total,elapsed,expected",
    [(250, 1000, 60.0, 180.0), (1000, 1000, 60.0, 0.0), (1100, 1000, 60.0, 0.0), (0, 1000, 60.0, None),
     (10, 1000, 0.0, None)],
)
def test_seconds_left(done, total, elapsed, expected):
    assert seconds_left(done, total, elapsed) == expected


def test_id_set_counts_each_id_once():
    ids = IdSet()
    assert [ids.add(n) for n in (0, 7, 8, 1849596, 7, 0)] == [True, True, True, True, False, False]
    assert len(ids) == 4
    assert len(ids.bits) == 1849596 // 8 + 1


def test_off_when_the_interval_is_zero():
    from scrapy.exceptions import NotConfigured

    with pytest.raises(NotConfigured):
        BackfillProgress.from_crawler(get_crawler(settings_dict={"RTARABIC_PROGRESS_INTERVAL": 0}))


def test_from_crawler_returns_the_extension():
    crawler = get_crawler(settings_dict={"RTARABIC_PROGRESS_INTERVAL": 5})
    extension = BackfillProgress.from_crawler(crawler)
    assert isinstance(extension, BackfillProgress) and extension.interval == 5


@pytest.mark.slow
def test_an_id_backfill_logs_its_progress_and_totals(replica, tmp_path):
    # Issue 13: long backfills gave no sense of how far along they were.
    newest = replica.site.article_ids()[-1]
    first, last = newest - 299, newest
    result = run_crawl(replica.base_url, tmp_path, "-a", f"ids={first}-{last}", RTARABIC_PROGRESS_INTERVAL=0.2,
                       CONCURRENT_REQUESTS_PER_DOMAIN=4)
    assert result.returncode in (0, 3), result.log[-3000:]  # 3: the replica's anti-bot faults
    lines = [LINE.search(line) for line in result.log.splitlines()]
    lines = [m for m in lines if m]
    assert len(lines) >= 2, result.log[-3000:]
    done = [int(m[1]) for m in lines]
    assert {int(m[2]) for m in lines} == {300}
    assert done == sorted(done) and done[-1] > done[0]
    assert all(0 <= d <= 300 for d in done)
    assert any(m[5].startswith("about") for m in lines)
    (final,) = [m for m in (FINAL.search(line) for line in result.log.splitlines()) if m]
    assert (final[1], int(final[2]), int(final[3])) == ("finished", 300, 300)
    assert result.stat(TOTAL) == 300 and result.stat(DONE) == 300


@pytest.mark.slow
def test_an_incremental_run_logs_no_progress(replica, tmp_path):
    result = run_crawl(replica.base_url, tmp_path, "-a", "sections=sport", RTARABIC_PROGRESS_INTERVAL=0.2,
                       RTARABIC_MAX_PAGES=1)
    assert "Backfill:" not in result.log and "Backfill finished" not in result.log
    assert result.stat(TOTAL, None) is None


@pytest.mark.slow
def test_a_sitemap_backfill_counts_the_articles_it_selected(replica, tmp_path):
    result = run_crawl(replica.base_url, tmp_path, "-a", "since=2026-06-01", "-a", "until=2026-08-31",
                       RTARABIC_PROGRESS_INTERVAL=0.2)
    selected = result.stat("rtarabic/requests/article")
    assert selected > 0 and result.stat(TOTAL) == selected
    (final,) = [m for m in (FINAL.search(line) for line in result.log.splitlines()) if m]
    assert (int(final[2]), int(final[3])) == (selected, selected)
