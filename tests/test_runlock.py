"""The one-run-at-a-time lock (rtarabic/runlock.py), across real processes."""

import json
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.settings import Settings

from rtarabic import runlock
from tests.crawling import ROOT

HOLDER = """
import sys
from rtarabic import runlock
runlock.hold(sys.argv[1])
print("held", flush=True)
sys.stdin.read()
runlock.unhold(sys.argv[1])
"""


@pytest.fixture
def holder(tmp_path):
    """Another process holding the lock of tmp_path/archive.db until it ends."""
    db = str(tmp_path / "out" / "archive.db")
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, db], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline() == "held\n"
    yield db, proc
    if proc.poll() is None:
        proc.kill()
    proc.wait()


def test_second_process_is_refused_with_holder_named(holder):
    db, proc = holder
    with pytest.raises(runlock.LockHeld) as info:
        runlock.RunLock(runlock.lock_path(db)).acquire()
    assert info.value.holder.pid == proc.pid
    assert str(info.value) == (
        f"another rtarabic run (pid {proc.pid}, started {info.value.holder.started}) holds {db}.lock; exiting"
    )
    assert not os.path.exists(db)


def test_clean_release_leaves_an_empty_file(holder):
    db, proc = holder
    proc.stdin.close()
    assert proc.wait() == 0
    with open(runlock.lock_path(db)) as f:
        assert f.read() == ""
    lock = runlock.RunLock(runlock.lock_path(db))
    assert lock.acquire() is None
    with open(runlock.lock_path(db)) as f:
        assert json.load(f)["pid"] == os.getpid()
    lock.release()


def test_stale_lock_of_killed_run_is_taken_over(holder, caplog):
    db, proc = holder
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with open(runlock.lock_path(db)) as f:
        stale = runlock.Holder.parse(f.read())
    assert stale.pid == proc.pid
    with caplog.at_level(logging.WARNING, logger="rtarabic.runlock"):
        runlock.hold(db)
    try:
        assert [r.getMessage() for r in caplog.records] == [
            f"stale lock from pid {proc.pid} (started {stale.started} on {stale.host}) on {db}.lock taken over"
        ]
    finally:
        runlock.unhold(db)


def test_the_lock_is_taken_once_per_run(tmp_path):
    # Issue 12: the command and the extension used to take it twice; now a second take is a bug.
    db = str(tmp_path / "archive.db")
    runlock.hold(db)
    assert runlock.holds(db)
    with pytest.raises(RuntimeError):
        runlock.hold(db)
    with pytest.raises(BlockingIOError):
        _try_lock_elsewhere(db)
    runlock.unhold(db)
    assert not runlock.holds(db)
    _try_lock_elsewhere(db)


def test_a_symlink_to_the_archive_names_the_same_lock(holder, tmp_path):
    # Issue 14: <db>.lock was per name, so a crawl through a symlink wrote the file beside another.
    db, proc = holder
    link = tmp_path / "link.db"
    link.symlink_to(db)
    assert runlock.lock_path(link) == runlock.lock_path(db)
    with pytest.raises(runlock.LockHeld) as info:
        runlock.hold_all([str(link)])
    assert info.value.holder.pid == proc.pid
    # Two names of one file are one archive to lock and check.
    assert len(runlock.archive_paths(Settings({"RTARABIC_DB": str(link), "FEEDS": {f"sqlite://{db}": {}}}))) == 1


def test_a_malformed_lock_file_is_taken_over_with_a_message(tmp_path, caplog):
    # Issue 14: a lock file holding garbage (a partial write, another program) is named, not silently reused.
    db = tmp_path / "archive.db"
    Path(runlock.lock_path(db)).write_bytes(b"\x00garbage{not json")
    with caplog.at_level(logging.WARNING, logger="rtarabic.runlock"):
        runlock.hold(db)
    try:
        (message,) = [r.getMessage() for r in caplog.records]
        assert message.startswith(f"lock file {runlock.lock_path(db)} held 17 bytes that are not a lock record")
        assert json.loads(Path(runlock.lock_path(db)).read_text())["pid"] == os.getpid()
    finally:
        runlock.unhold(db)


def test_a_lock_path_that_is_a_directory_is_refused_in_one_line(tmp_path):
    db = tmp_path / "archive.db"
    Path(runlock.lock_path(db)).mkdir()
    with pytest.raises(runlock.LockUnusable) as info:
        runlock.hold_all([str(db)])
    assert str(info.value) == f"cannot use the lock file {runlock.lock_path(db)}: Is a directory"
    assert not runlock.holds(db)


def _try_lock_elsewhere(db):
    # A fresh descriptor in this process contends like another process would.
    import fcntl

    fd = os.open(runlock.lock_path(db), os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        os.close(fd)


def test_hold_all_takes_none_when_one_is_held(holder, tmp_path):
    db, _ = holder
    other = str(tmp_path / "other.db")
    with pytest.raises(runlock.LockHeld):
        runlock.hold_all([other, db])
    _try_lock_elsewhere(other)  # released again


@pytest.mark.parametrize(
    "settings,expected",
    [
        ({"RTARABIC_DB": "output/rtarabic.db"}, ["output/rtarabic.db"]),
        (
            {
                "RTARABIC_DB": "output/rtarabic.db",
                "FEEDS": {
                    "sqlite:output/rtarabic.db": {"format": "sqlite"},
                    "output/x.jsonl": {"format": "jsonlines"},
                },
            },
            ["output/rtarabic.db"],
        ),
        # A plain path in the sqlite format is routed to the archive storage, so it is locked too.
        ({"RTARABIC_DB": "", "FEEDS": {"output/other.db": {"format": "sqlite"}}}, [os.path.abspath("output/other.db")]),
        (
            {
                "RTARABIC_DB": "output/rtarabic.db",
                "FEEDS": {"sqlite:///srv/backfill.db": {"format": "sqlite"}},
            },
            sorted(["output/rtarabic.db", "/srv/backfill.db"], key=os.path.realpath),
        ),
    ],
)
def test_archive_paths(settings, expected):
    assert runlock.archive_paths(Settings(settings)) == expected


# --- Real crawls ---------------------------------------------------------------------------------


@pytest.fixture
def slow_replica():
    """A replica slow enough (0.1 s a page) that a crawl is still running when the test acts on it."""
    from tests.runs import Replica

    site = Replica(articles=40, faults=False, delay=0.1)
    yield site
    site.close()


def _fingerprint(db):
    import hashlib

    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(db.parent.iterdir())
        if path.name.startswith(db.name)
    }


@pytest.mark.slow
def test_second_crawl_on_a_held_archive_exits_4_without_touching_it(slow_replica, tmp_path):
    from tests.runs import crawl, runs, start, wait_for_lock

    db = tmp_path / "archive.db"
    assert crawl(slow_replica.base_url, db, "seed", "-a", "max_pages=1").returncode == 0
    slow_replica.control("publish?n=3")
    holder = start(slow_replica.base_url, db, "holder")
    try:
        wait_for_lock(db, holder.pid)
        os.kill(holder.pid, signal.SIGSTOP)  # frozen mid-run: the archive's bytes cannot change under us
        with open(f"{db}.lock") as f:
            started = runlock.Holder.parse(f.read()).started
        before = _fingerprint(db)
        second = crawl(slow_replica.base_url, db, "second")
        assert second.returncode == 4, second.log[-3000:]
        assert (
            f"ERROR: another rtarabic run (pid {holder.pid}, started {started}) holds {db}.lock; exiting"
            in (second.log)
        )
        assert _fingerprint(db) == before
        assert not (tmp_path / "second.jsonl").exists() and not (tmp_path / "second-stats.json").exists()
    finally:
        os.kill(holder.pid, signal.SIGCONT)
    assert holder.wait(timeout=120) == 0, (tmp_path / "holder.log").read_text()[-3000:]
    assert [row["exit_status"] for row in runs(db)] == [0, 0]  # seed and holder; nothing from the refused run


@pytest.mark.slow
def test_lock_of_a_killed_crawl_is_taken_over(slow_replica, tmp_path):
    from tests.runs import crawl, start, wait_for_lock

    db = tmp_path / "archive.db"
    killed = start(slow_replica.base_url, db, "killed")
    wait_for_lock(db, killed.pid)
    os.kill(killed.pid, signal.SIGKILL)
    assert killed.wait() == -signal.SIGKILL
    with open(f"{db}.lock") as f:
        stale = runlock.Holder.parse(f.read())
    assert stale.pid == killed.pid

    result = crawl(slow_replica.base_url, db, "next")
    assert result.returncode == 0, result.log[-3000:]
    assert (
        f"WARNING: stale lock from pid {killed.pid} (started {stale.started} on {stale.host}) on {db}.lock taken over"
        in result.log
    )
    with open(f"{db}.lock") as f:
        assert f.read() == ""  # released cleanly this time


SPIDER = """
import scrapy


class Quiet(scrapy.Spider):
    name = "quiet"

    async def start(self):
        return
        yield
"""


@pytest.mark.slow
def test_extension_refuses_a_crawl_started_without_our_command(holder, tmp_path):
    # `scrapy runspider` is Scrapy's own command: the lock extension alone must stop it before any feed opens.
    db, proc = holder
    spider = tmp_path / "quiet.py"
    spider.write_text(SPIDER)
    command = [sys.executable, "-m", "scrapy", "runspider", str(spider), "-s", f"RTARABIC_DB={db}",
               "-s", f"RTARABIC_JSONL={tmp_path / 'quiet.jsonl'}"]  # fmt: skip
    env = {
        **os.environ,
        "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": "",
        "SCRAPY_SETTINGS_MODULE": "rtarabic.settings",
    }
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert f"another rtarabic run (pid {proc.pid}, started " in done.stderr
    assert not os.path.exists(db) and not (tmp_path / "quiet.jsonl").exists()
