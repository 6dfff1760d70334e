"""Killed runs: a crawl killed with SIGKILL at three seeded random moments, re-run each time,
ends with the same archive as one clean run (same rows, no duplicate, a sound file)."""

import random
import signal
import sqlite3
import time

import pytest

from tests.reliability import integrity, rows, run_crawl, start_crawl
from tests.replica.running import RunningReplica

pytestmark = pytest.mark.slow

ARTICLES = 600
SEED = 20261201


@pytest.fixture(scope="module")
def replica():
    server = RunningReplica(articles=ARTICLES, faults=False)
    yield server
    server.stop()


def search_rows(db) -> dict:
    with sqlite3.connect(db) as conn:
        return {r[0]: r[1:] for r in conn.execute("select rowid, title, summary, body from articles_search")}


def stored(db) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            return conn.execute("select count(*) from articles").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_killed_runs_end_like_a_clean_run(replica, tmp_path):
    clean_db, killed_db, log = tmp_path / "clean.db", tmp_path / "killed.db", tmp_path / "crawl.log"
    assert run_crawl(replica.base_url, clean_db, log) == 0, log.read_text()[-3000:]

    # A moment: once this run has stored a seeded number of articles (0 for the first: it may
    # die before its first batch), a seeded pause more, so kills land anywhere in a batch. The
    # targets stay far below ARTICLES so that every kill hits a crawl in progress, whatever the load.
    rng = random.Random(SEED)
    progress = [0]
    for target in (0, rng.randint(1, 150), rng.randint(151, 300)):
        process = start_crawl(replica.base_url, killed_db, log, RTARABIC_DB_BATCH_SIZE=50)
        while stored(killed_db) < target and process.poll() is None:
            time.sleep(0.05)
        time.sleep(rng.uniform(0.5, 3.0))
        assert process.poll() is None, f"the crawl ended before it could be killed (stored {progress})"
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
        progress.append(stored(killed_db))
    assert progress[-1] < ARTICLES, progress
    assert run_crawl(replica.base_url, killed_db, log) == 0, log.read_text()[-3000:]

    assert integrity(killed_db) == []
    clean, killed = rows(clean_db, "articles", "id"), rows(killed_db, "articles", "id")
    assert sorted(clean) == sorted(replica.site.expected_ids())
    missing = {i: (clean[i]["section"], clean[i]["published"]) for i in set(clean) - set(killed)}
    assert missing == {}, f"after kills at {progress} stored articles"
    assert sorted(killed) == sorted(clean)
    assert killed == clean
    assert search_rows(killed_db) == search_rows(clean_db)
    for table, key in (("tags", "slug"), ("aliases", "alias")):
        assert rows(killed_db, table, key) == rows(clean_db, table, key)
    with sqlite3.connect(killed_db) as conn:
        pairs = conn.execute("select article_id, tag_slug from article_tags").fetchall()
        assert len(pairs) == len(set(pairs))
        assert set(pairs) == set(sqlite3.connect(clean_db).execute("select article_id, tag_slug from article_tags"))
        assert conn.execute("select count(*) from revisions").fetchone()[0] == 0
