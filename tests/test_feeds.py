"""Tests of the sqlite feed storage, exporter and default feeds (rtarabic/feeds.py).

Real ``scrapy runspider`` crawls of ``ItemsSpider`` below (it yields items
without any network) write real archives under ``tmp_path``.
"""

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import scrapy
from scrapy.settings import Settings

from rtarabic.feeds import ArchiveFeeds, SQLiteFeedStorage, default_feeds, route_sqlite_feeds, uri_to_path
from rtarabic.items import EXPORT_FIELDS, ArticleItem
from rtarabic.signals import article_alias

ROOT = Path(__file__).resolve().parent.parent


def make_item(i: int, version: int = 0) -> ArticleItem:
    body = f"نص المقال رقم {i} في نسخته {version}." if version else f"نص المقال رقم {i}."
    return ArticleItem(
        id=i, url=f"https://arabic.rt.com/world/{i}-slug/", section="world", section_name="العالم",
        title=f"مُحَمَّد في البيت {i}", summary="ملخص", body=body, source="RT",
        published="2024-03-12T08:00:00+00:00", modified=None, author=None,
        tags=[{"name": "مصر", "slug": "egypt"}], image=None, links=[], word_count=len(body.split()),
        content_hash=f"{i:032x}{version:032x}", crawled_at="2024-03-12T09:00:00+00:00",
        page_headlines=["عنوان خبر آخر"],
    )


class ItemsSpider(scrapy.Spider):
    """Yields ``n`` articles (``-a n=``), ``pause`` seconds apart, version ``version``;
    ``alias=ID`` reports ID as a republished copy of article 1."""

    name = "items"
    # The feed is under test, not the project's pipelines.
    custom_settings = {"ITEM_PIPELINES": {}, "RTARABIC_HEALTH_ENABLED": False}

    async def start(self):
        if getattr(self, "alias", None):
            self.crawler.signals.send_catch_log(signal=article_alias, article_id=1, alias=self.alias, kind="id")
        for i in range(1, int(getattr(self, "n", 3)) + 1):
            if float(getattr(self, "pause", 0)):
                await asyncio.sleep(float(self.pause))
            yield make_item(i, int(getattr(self, "version", 0)))


def runspider(tmp_path, *args, wait=True, **settings):
    # RTARABIC_DB inside tmp_path even with -o: the run lock covers it too.
    settings = {"RTARABIC_DB": tmp_path / "archive.db", "RTARABIC_JSONL": "", "LOG_LEVEL": "INFO", **settings}
    command = [sys.executable, "-m", "scrapy", "runspider", __file__, *args]
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    env = {**os.environ, "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": "", "SCRAPY_SETTINGS_MODULE": "rtarabic.settings"}
    popen = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if not wait:
        return popen
    log, _ = popen.communicate(timeout=120)
    return popen.returncode, log


def stored(db: Path) -> int:
    """Articles committed so far (0 before the crawl has made the tables)."""
    try:
        return rows(db, "select count(*) from articles")[0][0]
    except sqlite3.OperationalError:
        return 0


def rows(db: Path, sql: str) -> list:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize(
    "uri,path",
    [
        ("sqlite:///srv/rt/archive.db", Path("/srv/rt/archive.db")),
        ("sqlite:output/rtarabic.db", Path("output/rtarabic.db")),
        ("sqlite:///tmp/أرشيف.db", Path("/tmp/أرشيف.db")),
    ],
)
def test_uri_to_path(uri, path):
    assert uri_to_path(uri) == path


@pytest.mark.parametrize(
    "uri", ["sqlite://host/archive.db", "file:///tmp/a.db", "sqlite:", "sqlite:///a.db?mode=ro", "/tmp/a.db"]
)
def test_storage_rejects_bad_uri(uri):
    with pytest.raises(ValueError, match=uri.replace("?", r"\?")):
        SQLiteFeedStorage(uri)


def test_storage_refuses_overwrite():
    with pytest.raises(ValueError, match="Refusing to overwrite"):
        SQLiteFeedStorage("sqlite:///tmp/a.db", feed_options={"overwrite": True})


def test_default_feeds(tmp_path):
    settings = Settings({"RTARABIC_DB": str(tmp_path / "a.db"), "RTARABIC_JSONL": "out/%(name)s.jsonl"})
    assert default_feeds(settings) == {
        f"sqlite://{tmp_path}/a.db": {"format": "sqlite", "store_empty": True},
        "out/%(name)s.jsonl": {"format": "jsonlines", "encoding": "utf-8", "fields": EXPORT_FIELDS},
    }
    assert default_feeds(Settings({"RTARABIC_DB": "", "RTARABIC_JSONL": ""})) == {}


def test_route_sqlite_feeds(tmp_path):
    feeds = {
        str(tmp_path / "a.db"): {"format": "db"},
        f"file://{tmp_path}/b.sqlite": {"format": "sqlite"},
        "sqlite:c.db": {"format": "jsonlines"},
        "items.jsonl": {"format": "jsonlines"},
    }
    assert route_sqlite_feeds(feeds) == {
        f"sqlite://{tmp_path}/a.db": {"format": "sqlite", "store_empty": True},
        f"sqlite://{tmp_path}/b.sqlite": {"format": "sqlite", "store_empty": True},
        "sqlite:c.db": {"format": "sqlite", "store_empty": True},
        "items.jsonl": {"format": "jsonlines"},
    }
    with pytest.raises(ValueError, match="s3://bucket/a.db"):
        route_sqlite_feeds({"s3://bucket/a.db": {"format": "sqlite"}})


@pytest.mark.parametrize(
    "values,expected_feeds",
    [
        # -s RTARABIC_DB/RTARABIC_JSONL are honoured: FEEDS derive from them after overrides.
        ({"RTARABIC_DB": "x/a.db", "RTARABIC_JSONL": "x/a.jsonl"}, {"sqlite://{cwd}/x/a.db", "x/a.jsonl"}),
        ({"RTARABIC_DB": "x/a.db", "RTARABIC_JSONL": "", "FEEDS": {"o.jsonl": {"format": "jsonlines"}}},
         {"o.jsonl"}),
    ],
)
def test_addon_derives_feeds(values, expected_feeds):
    settings = Settings()
    settings.setmodule("rtarabic.settings", priority="project")
    settings.update(values, priority="cmdline")
    ArchiveFeeds().update_settings(settings)
    assert set(settings.getdict("FEEDS")) == {f.format(cwd=Path.cwd().as_posix()) for f in expected_feeds}


def test_crawl_writes_default_feeds(tmp_path):
    db, jsonl = tmp_path / "archive.db", tmp_path / "items.jsonl"
    code, log = runspider(tmp_path, "-a", "n=5", RTARABIC_DB=db, RTARABIC_JSONL=jsonl)
    assert code == 0, log
    assert rows(db, "select id from articles order by id") == [(i,) for i in range(1, 6)]
    assert rows(db, "pragma journal_mode") == [("wal",)]
    exported = [json.loads(line) for line in jsonl.read_text("utf-8").splitlines()]
    assert [list(item) for item in exported] == [EXPORT_FIELDS] * 5  # never page_headlines
    assert "مُحَمَّد" in jsonl.read_text("utf-8")  # utf-8, not \\u escapes
    (run,) = rows(db, "select finish_reason, new, updated, unchanged, finished is not null from runs")
    assert run == ("finished", 5, 0, 0, 1)


def test_second_crawl_upserts(tmp_path):
    db = tmp_path / "archive.db"
    assert runspider(tmp_path, "-a", "n=4", "-o", f"sqlite://{db}")[0] == 0
    code, log = runspider(tmp_path, "-a", "n=6", "-a", "version=1", "-o", f"sqlite://{db}")
    assert code == 0, log
    assert rows(db, "select count(*), sum(revision_count) from articles") == [(6, 4)]
    assert rows(db, "select count(*) from revisions") == [(4,)]
    assert rows(db, "select new, updated, unchanged from runs order by id") == [(4, 0, 0), (2, 4, 0)]
    assert "'rtarabic/archive/updated': 4" in log


def test_plain_path_with_db_extension_goes_to_archive(tmp_path):
    db = tmp_path / "plain.db"
    code, log = runspider(tmp_path, "-o", str(db))
    assert code == 0, log
    assert rows(db, "select count(*) from articles") == [(3,)]


@pytest.mark.parametrize("target", ["sqlite://{db}", "{db}", "{db}:sqlite"])
def test_overwrite_is_refused(tmp_path, target):
    db = tmp_path / "archive.db"
    assert runspider(tmp_path, "-a", "n=2", "-o", f"sqlite://{db}")[0] == 0
    before = db.read_bytes()
    code, log = runspider(tmp_path, "-a", "n=5", "-O", target.format(db=db))
    assert code != 0
    assert "Refusing to overwrite the SQLite archive" in log
    assert db.read_bytes() == before
    assert rows(db, "select count(*) from articles") == [(2,)]


def test_alias_signal_recorded(tmp_path):
    db = tmp_path / "archive.db"
    code, log = runspider(tmp_path, "-a", "alias=1500001", "-o", f"sqlite://{db}")
    assert code == 0, log
    assert rows(db, "select alias, kind, article_id from aliases") == [("1500001", "id", 1)]
    assert "'rtarabic/archive/aliases': 1" in log


def test_batches_commit_while_crawling(tmp_path):
    db = tmp_path / "archive.db"
    crawl = runspider(tmp_path, "-a", "n=40", "-a", "pause=0.1", "-o", f"sqlite://{db}", wait=False,
                      RTARABIC_DB_BATCH_SIZE=1000, RTARABIC_DB_BATCH_SECONDS=0.3)
    try:
        seen = set()
        while crawl.poll() is None:
            seen.add(stored(db))
            time.sleep(0.1)
    finally:
        crawl.communicate(timeout=60)
    # The time limit wrote batches long before the count limit (never reached) or the end.
    assert len(seen - {0, 40}) >= 2, seen
    assert rows(db, "select count(*) from articles") == [(40,)]


@pytest.mark.slow
def test_sigkill_mid_export_leaves_complete_rows(tmp_path):
    db = tmp_path / "archive.db"
    crawl = runspider(tmp_path, "-a", "n=3000", "-a", "pause=0.001", "-o", f"sqlite://{db}", wait=False,
                      RTARABIC_DB_BATCH_SIZE=37, RTARABIC_DB_BATCH_SECONDS=0.05)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if stored(db) >= 200:
                break
            time.sleep(0.02)
        crawl.send_signal(signal.SIGKILL)
    finally:
        crawl.communicate(timeout=60)
    assert crawl.returncode == -signal.SIGKILL
    assert rows(db, "pragma integrity_check") == [("ok",)]
    (kept,) = rows(db, "select count(*) from articles")[0]
    assert 200 <= kept < 3000
    # Every stored article is whole: its tag and its search row.
    assert rows(db, "select count(*) from article_tags") == [(kept,)]
    assert rows(db, "select count(*) from articles_search") == [(kept,)]
    assert rows(db, "select count(*) from articles where id not in (select rowid from articles_search)") == [(0,)]
    assert rows(db, "select finished from runs") == [(None,)]
    # The next crawl completes the archive.
    code, log = runspider(tmp_path, "-a", "n=3000", "-o", f"sqlite://{db}")
    assert code == 0, log
    assert rows(db, "select count(*), min(id), max(id) from articles") == [(3000, 1, 3000)]
    assert rows(db, "select count(*) from articles_search") == [(3000,)]
    assert rows(db, "select new, unchanged from runs where finished is not null") == [(3000 - kept, kept)]
    assert rows(db, "pragma integrity_check") == [("ok",)]


# --- The real spider against the offline replica ------------------------------------------


def archive_rows(db: Path) -> dict[int, dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return {row["id"]: dict(row) for row in conn.execute("select * from articles")}
    finally:
        conn.close()


@pytest.fixture
def small_replica(make_replica):
    return make_replica(articles=40, faults=False)


@pytest.mark.slow
def test_replica_crawled_twice_no_duplicates_and_jsonl_matches(small_replica, tmp_path):
    from tests.runs import crawl

    db = tmp_path / "archive.db"
    first = crawl(small_replica.base_url, db, "first", RTARABIC_INCREMENTAL=False)
    assert first.returncode == 0, first.log[-3000:]
    assert first.items
    stored = archive_rows(db)
    # The JSON Lines file and the articles table hold the same articles and values.
    assert sorted(stored) == sorted(item["id"] for item in first.items)
    for item in first.items:
        row = stored[item["id"]]
        for name in ("tags", "image", "links"):
            row[name] = json.loads(row[name]) if row[name] is not None else None
        assert {name: row[name] for name in EXPORT_FIELDS} == item
    second = crawl(small_replica.base_url, db, "second", RTARABIC_INCREMENTAL=False)
    assert second.returncode == 0, second.log[-3000:]
    assert rows(db, "select count(*), count(distinct id) from articles") == [(len(stored), len(stored))]
    assert rows(db, "select count(*) from revisions") == [(0,)]
    assert rows(db, "select count(*) from articles_search") == [(len(stored),)]


@pytest.mark.slow
def test_replica_edit_updates_row_and_adds_one_revision(small_replica, tmp_path):
    from tests.runs import crawl

    db = tmp_path / "archive.db"
    first = crawl(small_replica.base_url, db, "first", RTARABIC_INCREMENTAL=False)
    assert first.returncode == 0, first.log[-3000:]
    edited_id = first.items[0]["id"]
    before = archive_rows(db)[edited_id]
    small_replica.control(f"edit?id={edited_id}")
    second = crawl(small_replica.base_url, db, "second", RTARABIC_INCREMENTAL=False)
    assert second.returncode == 0, second.log[-3000:]
    after = archive_rows(db)[edited_id]
    (new_item,) = [item for item in second.items if item["id"] == edited_id]
    assert after["content_hash"] == new_item["content_hash"] != before["content_hash"]
    assert (after["body"], after["revision_count"]) == (new_item["body"], 1)
    assert rows(db, "select article_id, content_hash, body from revisions") == [
        (edited_id, before["content_hash"], before["body"])
    ]
    assert rows(db, "select updated from runs order by id desc limit 1") == [(1,)]


@pytest.mark.slow
def test_replica_republished_article_is_one_row_and_one_alias(small_replica, tmp_path):
    from tests.runs import crawl

    db = tmp_path / "archive.db"
    first = crawl(small_replica.base_url, db, "first")
    assert first.returncode == 0, first.log[-3000:]
    original = first.items[0]["id"]
    copy = small_replica.control(f"republish?id={original}")["id"]
    second = crawl(small_replica.base_url, db, "second")
    assert second.returncode == 0, second.log[-3000:]
    content_hash = archive_rows(db)[original]["content_hash"]
    assert rows(db, f"select id from articles where content_hash = '{content_hash}'") == [(original,)]
    assert copy not in archive_rows(db)
    assert rows(db, "select alias, kind, article_id from aliases") == [(str(copy), "id", original)]


def test_sink_write_error_stops_writing_without_raising(tmp_path):
    # Issue 14: the SQLite export raised inside Scrapy's feed exporter, so the JSON Lines feed after it
    # lost the same items. The sink now records the error once, counts what it could not store and
    # raises nothing.
    from scrapy.statscollectors import MemoryStatsCollector
    from scrapy.utils.test import get_crawler

    from rtarabic.archive import Archive
    from rtarabic.feeds import ArchiveSink

    db = tmp_path / "archive.db"
    stats = MemoryStatsCollector(get_crawler())
    errors = []
    sink = ArchiveSink(Archive(db, busy_timeout_ms=100), batch_size=2, batch_seconds=60, stats=stats,
                       on_error=errors.append)
    sink.add_item(make_item(1))
    sink.add_item(make_item(2))  # a batch: committed
    other = sqlite3.connect(db)
    other.execute("BEGIN IMMEDIATE")
    for i in range(3, 8):
        sink.add_item(make_item(i))
    other.rollback()
    other.close()
    sink.add_item(make_item(8))
    sink.close()
    assert len(errors) == 1 and errors[0].startswith(f"writing 2 articles to {db} failed: database is locked")
    assert sink.totals["new"] == 2 and sink.unstored == 6
    assert stats.get_value("rtarabic/archive/error") == errors[0]
    assert stats.get_value("rtarabic/archive/unstored") == 6
    assert stored(db) == 2
