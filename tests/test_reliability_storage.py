"""Storage faults (issue 14): a full disk, a write lock held by another connection, a killed run's row.

Each test reproduces the failure first: before the fix these runs fetched articles that were not
archived, lost the same items from the JSON Lines feed and still exited 0 "Healthy".
"""

import json
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest

from rtarabic.archive import Archive
from tests.runs import Replica, crawl, result, runs, start
from tests.test_crawl_command import article

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def replica():
    site = Replica(articles=300, faults=False)
    yield site
    site.close()


@pytest.fixture
def small_disk(tmp_path):
    """A 3 MB tmpfs mounted for this test (root only; skipped elsewhere)."""
    yield from mounted_tmpfs(tmp_path / "small", "3m")


@pytest.fixture
def tiny_disk(tmp_path):
    """A 200 KB tmpfs: room for the WARC files of a few dozen article pages."""
    yield from mounted_tmpfs(tmp_path / "tiny", "200k")


def mounted_tmpfs(mount, size):
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    yield mount
    subprocess.run(["umount", "--lazy", str(mount)], check=True)


def stored_ids(db) -> set[int]:
    with closing(sqlite3.connect(db)) as conn:
        return {row[0] for row in conn.execute("select id from articles")}


def test_full_disk_stops_the_run_and_loses_nothing(replica, small_disk, tmp_path):
    # Issue 14: 300 articles into a 3 MB filesystem stored 200, exited 0 "Healthy", wrote no runs row,
    # and the JSON Lines copy lost the same 100 items.
    db = small_disk / "archive.db"
    done = crawl(replica.base_url, db, "full", RTARABIC_JSONL=str(tmp_path / "full.jsonl"),
                 RTARABIC_STATS_FILE=str(tmp_path / "full-stats.json"), RTARABIC_DB_BATCH_SIZE=20)
    res = result(tmp_path / "archive.db", "full", done.returncode, done.log)
    assert res.returncode == 5, res.log[-3000:]
    assert "Archive write failed; stopping the run: writing " in res.log
    assert "database or disk is full" in res.log
    assert "Traceback" not in res.log
    assert res.stat("finish_reason") == "archive_failed"
    # Every scraped item reached the JSON Lines feed; the archive holds what it committed, no more.
    scraped = res.stat("item_scraped_count")
    assert len(res.items) == scraped > 0
    stored = stored_ids(db)
    assert stored < {item["id"] for item in res.items}
    assert res.stat("rtarabic/archive/new") == len(stored)
    assert res.stat("rtarabic/archive/unstored") == scraped - len(stored)
    # Nothing more was fetched: the run stopped well short of the site's 300 articles.
    assert scraped < 300
    assert res.stat("rtarabic/health/exit_status") == 5
    assert any(line.endswith("the JSON Lines feed, if any, holds them)") and "unhealthy run: archive: " in line
               for line in res.log.splitlines())


def test_full_warc_disk_stops_the_run_and_keeps_every_article_it_fetched(replica, tiny_disk, tmp_path):
    # Pages whose WARC record cannot be written are fetched pages that would not be kept: the first failure
    # stops the run (nothing more is fetched), the pages already fetched still reach the archive, and the
    # verdict says so with exit status 5 instead of "Healthy".
    db = tmp_path / "archive.db"
    done = crawl(replica.base_url, db, "warcfull", RTARABIC_WARC_DIR=str(tiny_disk / "warc"),
                 RTARABIC_JSONL=str(tmp_path / "warcfull.jsonl"),
                 RTARABIC_STATS_FILE=str(tmp_path / "warcfull-stats.json"))
    res = result(db, "warcfull", done.returncode, done.log)
    assert res.returncode == 5, res.log[-3000:]
    assert "WARC capture failed; stopping the run: writing WARC files in " in res.log
    assert "No space left on device" in res.log and "Traceback" not in res.log
    assert res.stat("finish_reason") == "capture_failed"
    uncaptured = res.stat("rtarabic/warc/failed")
    assert uncaptured >= 1
    # Every article page fetched reached the archive, kept in WARC or not; the run stopped well short of 300.
    stored = stored_ids(db)
    assert stored == {item["id"] for item in res.items} and 0 < len(stored) < 300
    with closing(sqlite3.connect(db)) as conn:
        kept = conn.execute("select count(*) from articles where warc_file is not null").fetchone()[0]
        (status, summary) = conn.execute("select exit_status, summary from runs").fetchone()
    assert kept == res.stat("rtarabic/warc/records") and len(stored) - kept <= uncaptured
    assert status == 5 and f"capture: writing WARC files in {tiny_disk / 'warc'} failed" in summary
    assert f"{uncaptured} fetched pages were not kept in WARC" in summary
    # What was written is valid WARC.
    check = subprocess.run([str(Path(sys.executable).with_name("warcio")), "check",
                            *map(str, (tiny_disk / "warc").glob("*.warc.gz"))], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


class WriteHolder(threading.Thread):
    """Another connection holding a write transaction on ``db`` until ``release`` is set."""

    def __init__(self, db):
        super().__init__(daemon=True)
        self.db, self.release, self.holding = db, threading.Event(), threading.Event()

    def run(self):
        conn = sqlite3.connect(self.db, timeout=60)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("insert into tags (slug, name) values ('held-by-test', 'x')")
        self.holding.set()
        self.release.wait(120)
        conn.rollback()
        conn.close()


def test_write_lock_held_past_the_busy_timeout_stops_the_run_cleanly(tmp_path):
    # Issue 14: with BEGIN IMMEDIATE held for 60 s by another connection, 1,667 were fetched, 0 stored,
    # exit 0. Now the run waits RTARABIC_DB_BUSY_TIMEOUT, stops, and its runs row says why.
    site = Replica(articles=120, faults=False, delay=0.05)
    db, log = tmp_path / "archive.db", tmp_path / "held.log"
    try:
        process = start(site.base_url, db, "held", RTARABIC_DB_BATCH_SIZE=5, RTARABIC_DB_BUSY_TIMEOUT=2)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not (db.exists() and _count(db) >= 5):
            time.sleep(0.1)
        holder = WriteHolder(db)
        holder.start()
        assert holder.holding.wait(30)
        while time.monotonic() < deadline and "Archive write failed" not in log.read_text():
            time.sleep(0.1)
        holder.release.set()
        holder.join()
        returncode = process.wait(timeout=120)
    finally:
        site.close()
    res = result(db, "held", returncode, log.read_text())
    assert res.returncode == 5, res.log[-3000:]
    assert "database is locked" in res.log and "Traceback" not in res.log
    assert len(res.items) == res.stat("item_scraped_count")
    assert res.stat("rtarabic/archive/new") == len(stored_ids(db))
    assert res.stat("rtarabic/archive/unstored") == len(res.items) - len(stored_ids(db)) > 0
    (row,) = runs(db)
    assert (row["finish_reason"], row["exit_status"]) == ("archive_failed", 5)
    assert "archive: writing " in row["summary"] and "database is locked" in row["summary"]
    assert row["new"] == len(stored_ids(db))


def _count(db) -> int:
    try:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
            return conn.execute("select count(*) from articles").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_a_writer_waits_for_another_connections_transaction(tmp_path):
    # Issue 14: BUSY_TIMEOUT_MS was 30 s, yet a write during another connection's 3 s transaction failed
    # at once: sqlite-utils' deferred BEGIN read first and could not upgrade to a write.
    db = tmp_path / "archive.db"
    archive = Archive(db)
    archive.upsert_articles([article(1)])
    other = sqlite3.connect(db, timeout=0, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("update articles set title = 'edited elsewhere' where id = 1")

    def commit_later():
        time.sleep(1.5)
        other.commit()

    thread = threading.Thread(target=commit_later)
    thread.start()
    started = time.monotonic()
    counts = archive.upsert_articles([article(1), article(2)])
    waited = time.monotonic() - started
    thread.join()
    assert counts == {"new": 1, "updated": 0, "unchanged": 1, "aliases": 0, "withdrawn": 0, "reinstated": 0}
    assert waited >= 1.0
    archive.close()


def test_busy_writes_during_a_crawl_are_waited_for(replica, tmp_path):
    # Another connection writes in 0.5 s transactions throughout the crawl: nothing fails, all is stored.
    db = tmp_path / "archive.db"
    Archive(db).close()
    stop = threading.Event()
    writes = []

    def busy():
        conn = sqlite3.connect(db, timeout=60)
        while not stop.is_set():
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("insert into tags (slug, name) values ('busy', 'x')")
            time.sleep(0.5)
            conn.execute("delete from tags where slug = 'busy'")
            conn.commit()
            writes.append(1)
            time.sleep(0.05)
        conn.close()

    thread = threading.Thread(target=busy, daemon=True)
    thread.start()
    try:
        res = crawl(replica.base_url, db, "busy", RTARABIC_DB_BATCH_SIZE=10, RTARABIC_DB_BATCH_SECONDS=0.2)
    finally:
        stop.set()
        thread.join()
    assert res.returncode == 0, res.log[-3000:]
    assert len(writes) > 5
    assert "database is locked" not in res.log
    assert len(stored_ids(db)) == len(res.items) == 300


def test_a_killed_runs_row_is_marked_by_the_next_run(tmp_path):
    # Issue 14: a killed run left finished, finish_reason and exit_status NULL forever.
    archive = Archive(tmp_path / "archive.db")
    killed = archive.start_run({"spider": "rtarabic"})
    finished = archive.start_run({"spider": "rtarabic"})
    archive.finish_run(finished, finish_reason="finished", exit_status=0)
    nxt = archive.start_run({"spider": "rtarabic"})
    rows = {row["id"]: row for row in archive.db.query("select * from runs")}
    archive.close()
    assert (rows[killed]["finish_reason"], rows[killed]["exit_status"], rows[killed]["finished"]) == (
        "killed", 3, None)
    assert rows[killed]["summary"] == (
        f"The run ended without recording its end (killed, or the machine stopped); marked by run {finished}")
    assert (rows[finished]["finish_reason"], rows[finished]["exit_status"]) == ("finished", 0)
    assert rows[nxt]["finish_reason"] is None  # still running
    assert json.loads(rows[nxt]["arguments"]) == {"spider": "rtarabic"}


def test_start_check_leaves_a_missing_archive_to_the_run(tmp_path):
    from rtarabic.archive import check_archive

    check_archive(tmp_path / "none.db")
    assert not (tmp_path / "none.db").exists()
