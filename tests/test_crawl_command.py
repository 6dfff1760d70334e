"""`scrapy crawl rtarabic` refuses what it cannot do before it starts (rtarabic/commands/crawl.py)."""

import sqlite3
import time

import pytest

from rtarabic.feeds import path_to_uri
from tests.reliability import Witness


def test_overwriting_the_archive_is_a_usage_error(crawl, replica, tmp_path):
    # -O on the SQLite archive would truncate it; the command refuses before any request.
    db = tmp_path / "kept.db"
    first = crawl(replica.base_url, "-a", "sections=sport", "-a", "max_pages=1", archive=True,
                  RTARABIC_DB=str(db), RTARABIC_HEALTH_ENABLED=False)
    assert first.returncode == 0, first.log[-2000:]
    assert first.items
    before = db.read_bytes()

    for target in (path_to_uri(db), str(db)):
        refused = crawl(replica.base_url, "-O", target)
        assert refused.returncode == 2, refused.log[-2000:]
        assert "Refusing to overwrite the SQLite archive" in refused.log
        assert "Task exception" not in refused.log
        assert refused.stats == {}
    assert db.read_bytes() == before


# --- Issue 14: every refusal is one line naming the argument, a documented exit status, no traceback ---

REFUSED_ARGUMENTS = [
    ("ids=5-1", "-a ids= must be a range FROM-TO"),
    ("ids=1-2000000", "-a ids=1-2000000 spans 2,000,000 ids; at most 200,000 per run"),
    ("tags=../etc", "-a tags= takes tag slugs as in /tags/<slug>/"),
    ("tags=a b", "-a tags= takes tag slugs"),
    ("tags=x/y", "-a tags= takes tag slugs"),
    ("since=2099-01-01", "-a since=2099-01-01 is outside the archive's window 2007-01-01 to"),
    ("until=1990-01-01", "-a until=1990-01-01 is outside the archive's window"),
    ("since=2024-13-01", "-a since= must be a date YYYY-MM-DD"),
    ("sectoins=world", "unknown argument -a sectoins=; known: sections, tags"),
    ("max_pages=0", "-a max_pages= must be a positive whole number"),
]

REFUSED_SETTINGS = [
    ({"RTARABIC_REVISIT_HOURS": "abc"}, "setting RTARABIC_REVISIT_HOURS='abc' is not a valid value"),
    ({"RTARABIC_REVISIT_HOURS": "-5"}, "setting RTARABIC_REVISIT_HOURS='-5' must be at least 0"),
    ({"RTARABIC_BASE_URL": ""}, "setting RTARABIC_BASE_URL='' must be an http:// or https:// URL with a host"),
    ({"RTARABIC_BASE_URL": "arabic.rt.com"}, "setting RTARABIC_BASE_URL='arabic.rt.com' must be an http://"),
    ({"RTARABIC_BASE_URL": "file:///etc"}, "setting RTARABIC_BASE_URL='file:///etc' must be an http://"),
    ({"RTARABIC_MAX_PAGES": "1.5"}, "setting RTARABIC_MAX_PAGES='1.5' must be a whole number"),
    ({"RTARABIC_HEALTH_MAX_FAILED_SHARE": "2"}, "must be a share between 0 and 1"),
    ({"RTARABIC_LOCK_ENABLED": "maybe"}, "setting RTARABIC_LOCK_ENABLED='maybe' is not a valid value"),
    ({"RTARABIC_REVIST_HOURS": "5"}, "unknown setting -s RTARABIC_REVIST_HOURS=: this project defines no such"),
]


def assert_refused(result, message, status, witness):
    assert result.returncode == status, result.log[-2000:]
    lines = result.log.strip().splitlines()
    assert message in lines[-1], lines[-3:]
    assert "Traceback" not in result.log and "Crawler.stats" not in result.log
    assert witness.requests == [] and result.stats == {} and result.items == []


@pytest.fixture
def witness():
    server = Witness()
    yield server
    server.stop()


@pytest.mark.parametrize("argument,message", REFUSED_ARGUMENTS)
def test_bad_argument_is_one_line_and_exit_2(crawl, witness, tmp_path, argument, message):
    result = crawl(f"http://127.0.0.1:{witness.port}", "-a", argument, timeout=60)
    assert_refused(result, message, 2, witness)
    assert not (tmp_path / "archive.db").exists()


@pytest.mark.parametrize("settings,message", REFUSED_SETTINGS)
def test_bad_setting_is_one_line_and_exit_2(crawl, witness, tmp_path, settings, message):
    result = crawl(f"http://127.0.0.1:{witness.port}", timeout=60, **settings)
    assert_refused(result, message, 2, witness)


def test_scrapyd_job_argument_is_accepted():
    from rtarabic.arguments import parse_arguments

    assert parse_arguments("http://127.0.0.1:1", _job="abc").ids is None


def test_corrupt_archive_is_refused_before_any_request(crawl, witness, tmp_path):
    # Issue 14: 80 KB of random bytes written into the file; the crawl ran, wrote a runs row and exited 0.
    db = tmp_path / "archive.db"
    corrupt_archive(db)
    before = db.read_bytes()
    result = crawl(f"http://127.0.0.1:{witness.port}", timeout=60, RTARABIC_DB=str(db))
    assert_refused(result, f"{db} ", 5, witness)
    assert "corrupt" in result.log.splitlines()[-1] or "not a usable rtarabic archive" in result.log
    assert db.read_bytes() == before


def test_unknown_schema_is_refused_before_any_request(crawl, witness, tmp_path):
    # Issue 14: an articles table with an older, narrower schema: 250 fetched, 0 stored, exit 0.
    db = sqlite_file(tmp_path / "archive.db", "create table articles (id integer primary key, url text, title text)")
    before = sqlite_schema(db)
    result = crawl(f"http://127.0.0.1:{witness.port}", timeout=60, RTARABIC_DB=str(db))
    assert_refused(result, f"{db} ", 5, witness)
    assert "schema" in result.log.splitlines()[-1] or "not a usable rtarabic archive" in result.log
    assert sqlite_schema(db) == before  # refused files are left as they were found


def test_sqlite_file_of_another_program_is_refused_untouched(crawl, witness, tmp_path):
    db = sqlite_file(tmp_path / "notes.db", "create table notes (id integer primary key, text text)",
                     "insert into notes (text) values ('keep me')")
    before = sqlite_schema(db)
    result = crawl(f"http://127.0.0.1:{witness.port}", timeout=60, RTARABIC_DB=str(db))
    assert_refused(result, f"{db} is an SQLite file but not an rtarabic archive", 5, witness)
    assert sqlite_schema(db) == before


def sqlite_file(path, *statements):
    """An SQLite file at ``path`` made by running ``statements``."""
    conn = sqlite3.connect(path)
    try:
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()
    return path


def sqlite_schema(path):
    """Every table, index and trigger of the file, its journal mode and its schema version."""
    conn = sqlite3.connect(path)
    try:
        return (conn.execute("select type, name, sql from sqlite_master order by name").fetchall(),
                conn.execute("pragma journal_mode").fetchone(), conn.execute("pragma user_version").fetchone())
    finally:
        conn.close()


def test_narrow_articles_table_with_every_index_column_is_refused(crawl, witness, tmp_path):
    db = sqlite_file(tmp_path / "archive.db", "create table articles (id integer primary key, url text, title text,"
                     " published text, section text, content_hash text)")
    before = sqlite_schema(db)
    result = crawl(f"http://127.0.0.1:{witness.port}", timeout=60, RTARABIC_DB=str(db))
    assert_refused(result, f"{db} has a schema this version does not know: articles lacks ", 5, witness)
    assert sqlite_schema(db) == before


def test_unwritable_archive_directory_is_refused(crawl, witness, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = crawl(f"http://127.0.0.1:{witness.port}", timeout=60, RTARABIC_DB=str(blocker / "archive.db"))
    assert result.returncode == 5, result.log[-2000:]
    assert "Traceback" not in result.log and witness.requests == []
    assert f"{blocker} is not a directory" in result.log.splitlines()[-1]


def test_lock_path_that_is_a_directory_is_refused(crawl, witness, tmp_path):
    db = tmp_path / "archive.db"
    (tmp_path / "archive.db.lock").mkdir()
    result = crawl(f"http://127.0.0.1:{witness.port}", timeout=60, RTARABIC_DB=str(db))
    assert_refused(result, f"cannot use the lock file {db}.lock: Is a directory", 5, witness)


def corrupt_archive(db):
    """A real archive with 80 KB of seeded random bytes written over its middle."""
    import random

    from rtarabic.archive import Archive

    archive = Archive(db)
    archive.upsert_articles([article(i) for i in range(1, 400)])
    archive.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    archive.close()
    data = bytearray(db.read_bytes())
    assert len(data) > 200_000
    start = len(data) // 3
    data[start : start + 80_000] = random.Random(14).randbytes(80_000)
    db.write_bytes(bytes(data))


def article(i: int) -> dict:
    from rtarabic.items import EXPORT_FIELDS

    row = dict.fromkeys(EXPORT_FIELDS)
    row.update(id=i, url=f"https://arabic.rt.com/world/{i}-x/", section="world", title=f"عنوان {i}",
               body="نص المقال " * 40 + str(i), content_hash=f"h{i}", published="2026-11-30T10:00:00+00:00",
               tags=[{"slug": "Gaza", "name": "غزة"}])
    return row


@pytest.mark.slow
def test_the_widest_id_range_is_generated_lazily(witness, tmp_path):
    # Issue 14: -a ids=1-2000000 queued the whole range before the first request (no request in 60 s,
    # 1.16 GB and growing, SIGTERM ignored). The widest range allowed now starts at once, stays small
    # and stops on SIGTERM.
    import signal
    import subprocess

    from tests.crawling import ROOT, crawl_command, crawl_env

    command = crawl_command(f"http://127.0.0.1:{witness.port}", "-a", "ids=1-200000",
                            RTARABIC_DB=str(tmp_path / "archive.db"), RTARABIC_JSONL="",
                            RTARABIC_STATS_FILE=str(tmp_path / "stats.json"))
    with open(tmp_path / "crawl.log", "w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=crawl_env(), stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(witness.requests) < 50:
            time.sleep(0.1)
        assert len(witness.requests) >= 50, (tmp_path / "crawl.log").read_text()[-2000:]
        paths = [path for _, _, path in witness.requests]
        assert paths[0] == "/robots.txt"
        # Newest first. Concurrent requests reach the server in any order, so compare sets, not positions.
        first_ids = {int(path.rsplit("/", 1)[1]) for path in paths[1:50]}
        assert 200000 in first_ids and min(first_ids) > 200000 - 200, sorted(first_ids)
        rss_kb = int(next(line.split()[1] for line in open(f"/proc/{process.pid}/status")
                          if line.startswith("VmRSS:")))
        assert rss_kb < 250_000, rss_kb
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 3  # finish reason shutdown: unhealthy, not killed
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    # Ids generated (each counted as a request built) stay in step with those fetched.
    import json

    stats = json.loads((tmp_path / "stats.json").read_text())
    assert stats["rtarabic/requests/article"] < stats["downloader/request_count"] + 100


def test_project_settings_pass_their_own_checks():
    from scrapy.utils.project import get_project_settings

    from rtarabic import preflight

    preflight.check_settings(get_project_settings())
    assert set(preflight.RULES) <= set(preflight.project_defaults())
