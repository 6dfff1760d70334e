"""The one-run-at-a-time lock (rtarabic/runlock.py), across real processes."""

import json
import logging
import os
import signal
import subprocess
import sys

import pytest
from scrapy.settings import Settings

from rtarabic import runlock

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


def test_hold_is_reentrant_within_a_process(tmp_path):
    db = str(tmp_path / "archive.db")
    runlock.hold(db)
    runlock.hold(db)
    runlock.unhold(db)
    with pytest.raises(BlockingIOError):
        _try_lock_elsewhere(db)
    runlock.unhold(db)
    _try_lock_elsewhere(db)


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
