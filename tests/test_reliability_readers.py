"""Readers during writes: a real ``datasette serve`` answers a stream of requests while a crawl
writes the same archive. No "database is locked", no failed request, none slower than a generous
bound (this checks locking, not speed), and the readers see the archive grow."""

import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from rtarabic.archive import Archive
from tests.datasette_server import start_datasette
from tests.reliability import start_crawl
from tests.replica.running import RunningReplica

pytestmark = pytest.mark.slow

#: A request that waits on a writer's lock for this long is a locking bug, not slowness.
BOUND_SECONDS = 2.0
PATHS = [
    "/rtarabic.json?sql=select+count(*)+as+n+from+articles&_shape=array",
    "/rtarabic/articles.json?_size=20&_sort_desc=published",
    "/rtarabic/search.json?_shape=array&q=" + urllib.parse.quote("بوتين"),
    "/rtarabic/articles.json?_facet=section&_size=0",
    "/rtarabic/runs.json",
    "/rtarabic/revisions.json",
]


@pytest.fixture
def datasette(tmp_path):
    db = tmp_path / "rtarabic.db"
    Archive(db).close()  # the schema, so that Datasette serves the tables from the start
    log = tmp_path / "datasette.log"
    process, base = start_datasette(db, log=log)
    yield db, base, log
    process.terminate()
    process.wait(timeout=10)


def read_until(base: str, stop: threading.Event, results: list) -> None:
    i = 0
    while not stop.is_set():
        path = PATHS[i % len(PATHS)]
        i += 1
        started = time.monotonic()
        try:
            with urllib.request.urlopen(base + path, timeout=30) as response:
                status, body = response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read().decode("utf-8", "replace")
        results.append((path, status, time.monotonic() - started, body))


def test_datasette_reads_while_a_crawl_writes(datasette, tmp_path):
    db, base, datasette_log = datasette
    replica = RunningReplica(articles=1000, faults=False)
    crawl_log = tmp_path / "crawl.log"
    results: list = []
    stop = threading.Event()
    readers = [threading.Thread(target=read_until, args=(base, stop, results)) for _ in range(3)]
    try:
        crawl = start_crawl(replica.base_url, db, crawl_log, RTARABIC_DB_BATCH_SIZE=25,
                            RTARABIC_DB_BATCH_SECONDS=0.5)
        for reader in readers:
            reader.start()
        assert crawl.wait(timeout=600) == 0, crawl_log.read_text()[-3000:]
    finally:
        stop.set()
        for reader in readers:
            if reader.is_alive():
                reader.join(timeout=60)
        replica.stop()

    assert len(results) > 100
    locked = [(path, body[:200]) for path, _, _, body in results if "database is locked" in body.lower()]
    assert locked == []
    assert "database is locked" not in datasette_log.read_text().lower()
    assert [(path, status) for path, status, _, _ in results if status != 200] == []
    slow = [(path, round(seconds, 2)) for path, _, seconds, _ in results if seconds > BOUND_SECONDS]
    assert slow == []
    counts = [int(body.split('"n":')[1].split("}")[0]) for path, _, _, body in results if path == PATHS[0]]
    assert len(set(counts)) >= 5, "the readers did not see the archive grow"
    assert max(counts) <= 1000
