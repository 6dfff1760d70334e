"""Raw capture in WARC (rtarabic/capture.py), re-extraction from it (rtarabic/replay.py) and withdrawn
articles (rtarabic/withdrawals.py), with real crawls of the replica and warcio's own checks.

Issue 11: "every fetched page kept in WARC, re-extraction, withdrawn articles, schema upgrades".
"""

import json
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from rtarabic.archive import SCHEMA_VERSION, Archive
from tests import ROOT
from tests.crawling import crawl_command, crawl_env, run_crawl
from tests.reliability import VOLATILE, start_crawl
from tests.replica.running import RunningReplica

WARCIO = str(Path(sys.executable).parent / "warcio")

#: Columns that differ between a crawl's archive and one re-extracted from its WARC files (whose rows name
#: the same records: checked apart).
REREAD = VOLATILE


def warcio(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([WARCIO, *args], capture_output=True, text=True, timeout=120)


def index(paths) -> list[dict]:
    """``warcio index`` of the files, one dict a record (with the file name)."""
    entries = []
    for path in paths:
        done = warcio("index", "-f", "warc-type,warc-target-uri,http:status,offset", str(path))
        assert done.returncode == 0, done.stderr
        entries += [{**json.loads(line), "file": Path(path).name} for line in done.stdout.splitlines()]
    return entries


def record_at(path, offset):
    """``(warc type, target URI, HTTP status, payload bytes, WARC headers)`` of the record at ``offset``."""
    with open(path, "rb") as stream:
        stream.seek(offset)
        record = next(iter(ArchiveIterator(stream)))
        status = record.http_headers.get_statuscode() if record.http_headers else None
        return (record.rec_type, record.rec_headers.get_header("WARC-Target-URI"), status,
                record.raw_stream.read(), record.rec_headers)


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


def rows(db, table: str, key: str) -> dict:
    """``{key: row}`` of a table, every column."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return {row[key]: dict(row) for row in conn.execute(f"select * from [{table}]")}
    finally:
        conn.close()


def archive_rows(db, table, key, *, leave_out=REREAD) -> dict:
    return {k: {c: v for c, v in row.items() if c not in leave_out} for k, row in rows(db, table, key).items()}


def reextract(base_url: str, warc: Path, db: Path, *, cwd: Path = ROOT, **settings) -> subprocess.CompletedProcess:
    """``scrapy crawl rtarabic -a warc=PATH`` into ``db`` (no capture, no JSON Lines), run in ``cwd``."""
    command = crawl_command(base_url, "-a", f"warc={warc}", RTARABIC_DB=str(db), RTARABIC_JSONL="",
                            RTARABIC_WARC_DIR="", **settings)
    return subprocess.run(command, cwd=cwd, env=crawl_env(), capture_output=True, text=True, timeout=240)


@pytest.fixture(scope="module")
def site():
    """A small replica with every fault (404, 410, 500 once, redirects, truncated, anti-bot pages)."""
    server = RunningReplica(articles=60, seed=7, faults=True)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def crawled(site, tmp_path_factory):
    """One crawl of ``site`` with capture on: ``(result, archive path, WARC folder)``."""
    tmp = tmp_path_factory.mktemp("crawl")
    warc = tmp / "warc"
    result = run_crawl(site.base_url, tmp, archive=True, RTARABIC_WARC_DIR=str(warc), RETRY_TIMES=1)
    assert result.returncode in (0, 3), result.log[-3000:]  # 3: the anti-bot fault pages make it unhealthy
    return result, tmp / "archive.db", warc


def test_crawl_keeps_every_article_page_in_valid_warc_files(site, crawled):
    result, db, warc = crawled
    files = sorted(warc.iterdir())
    assert [f.name for f in files] == result.stat("rtarabic/warc/files")
    assert len(files) == 1 and files[0].name.endswith(".warc.gz")
    check = warcio("check", "-v", *map(str, files))
    assert check.returncode == 0, check.stdout + check.stderr
    assert "digest pass" in check.stdout and "fail" not in check.stdout

    entries = index(files)
    assert entries[0]["warc-type"] == "warcinfo"
    responses = [e for e in entries if e["warc-type"] == "response"]
    requests = [e for e in entries if e["warc-type"] == "request"]
    assert len(responses) == len(requests) == result.stat("rtarabic/warc/records")
    # Each response is followed by the request that asked for it, linked by WARC-Concurrent-To.
    with open(files[0], "rb") as stream:
        records = [(r.rec_type, r.rec_headers.get_header("WARC-Record-ID"),
                    r.rec_headers.get_header("WARC-Concurrent-To"), r.http_headers.protocol if r.http_headers else None)
                   for r in ArchiveIterator(stream)][1:]
    for (kind, record_id, _, _), (next_kind, _, concurrent, request_line) in zip(records[::2], records[1::2], strict=True):
        assert (kind, next_kind, concurrent) == ("response", "request", record_id)
        assert request_line == "GET"
    # Every answer an article request got is kept, not only the pages that became articles.
    statuses = {e["http:status"] for e in responses}
    assert {"200", "301", "302", "403", "404", "410", "500"} <= statuses, statuses
    # Listings are left out by default (RTARABIC_WARC_ALL_PAGES).
    assert not any("/listing/" in e["warc-target-uri"] or e["warc-target-uri"].endswith("/rss/") for e in responses)

    stored = rows(db, "articles", "id")
    assert len(stored) == len(site.site.expected_ids())  # of a republished pair, either id is kept
    for article_id, row in stored.items():
        kind, uri, status, payload, _ = record_at(warc / row["warc_file"], row["warc_offset"])
        assert (kind, status) == ("response", "200")
        assert str(article_id) in uri
        # The bytes the server sends for that URL, byte for byte.
        assert payload == fetch(uri), uri
    run = Archive(db).db.table("runs").get(1)
    assert json.loads(run["warc_files"]) == [f.name for f in files]
    not_stored = json.loads(run["not_stored"])
    assert {"http_404": 2, "http_410": 2, "blocked/ddos_guard": 2}.items() <= not_stored.items(), not_stored
    assert "article pages fetched but not stored (" in run["summary"]


def test_reextraction_into_a_fresh_archive_gives_the_same_articles(site, crawled, tmp_path):
    _, db, warc = crawled
    before = site.stats()["total"]
    done = reextract(site.base_url, warc, tmp_path / "again.db")
    assert done.returncode == 0, done.stderr[-3000:]
    assert site.stats()["total"] == before, "re-extraction reached the network"

    again = tmp_path / "again.db"
    assert archive_rows(again, "articles", "id") == archive_rows(db, "articles", "id")
    for table, key in (("tags", "slug"), ("aliases", "alias")):
        assert archive_rows(again, table, key, leave_out={"first_seen"}) == \
            archive_rows(db, table, key, leave_out={"first_seen"})
    # Each re-extracted row names the record it was read from: the crawl's own.
    assert {i: (r["warc_file"], r["warc_offset"]) for i, r in rows(again, "articles", "id").items()} == \
        {i: (r["warc_file"], r["warc_offset"]) for i, r in rows(db, "articles", "id").items()}
    with sqlite3.connect(again) as conn:
        assert conn.execute("select count(*) from revisions").fetchone() == (0,)
        (arguments,) = conn.execute("select arguments from runs").fetchone()
    assert json.loads(arguments)["arguments"]["warc"] == str(warc)


def release_with_broken_title(tmp_path: Path) -> Path:
    """A copy of the project whose classic-layout title selector reads the lead instead (an "older
    release" with a selector bug), to be run from its own folder."""
    release = tmp_path / "release"
    shutil.copytree(ROOT / "rtarabic", release / "rtarabic", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "scrapy.cfg", release)
    layouts = release / "rtarabic" / "layouts.py"
    text = layouts.read_text("utf-8")
    # The first title chain after CLASSIC = Layout(: the classic generation's own headline selector.
    broken, count = re.subn(r'(CLASSIC = Layout\((?:\n(?!\s*title=).*)*\n\s*)title=\("h1\.heading",\),',
                            r'\1title=("p.intro",),', text)
    assert count == 1, "the classic title selector this test breaks has moved: pick another"
    layouts.write_text(broken, "utf-8")
    return release


def test_reextraction_after_a_selector_fix_updates_exactly_the_affected_articles(site, crawled, tmp_path):
    _, db, warc = crawled
    repaired = tmp_path / "repaired.db"
    done = reextract(site.base_url, warc, repaired, cwd=release_with_broken_title(tmp_path))
    assert done.returncode == 0, done.stderr[-3000:]
    broken = rows(repaired, "articles", "id")
    right = rows(db, "articles", "id")
    affected = {i for i in right if broken[i]["title"] != right[i]["title"]}
    assert 0 < len(affected) < len(right), "the broken selector should hit some articles, not all"
    assert all(broken[i]["title"] == broken[i]["summary"] for i in affected)

    # The bug also told the republished copy from its original when only one of them is classic: the
    # broken release stored both. The archive keeps what it stored; the fixed release records the alias.
    copies = set(broken) - set(right)
    assert copies <= {int(a) for a in rows(db, "aliases", "alias")}

    done = reextract(site.base_url, warc, repaired)  # the fixed release
    assert done.returncode == 0, done.stderr[-3000:]
    fixed = archive_rows(repaired, "articles", "id", leave_out=REREAD | {"revision_count"})
    assert {i: row for i, row in fixed.items() if i not in copies} == \
        archive_rows(db, "articles", "id", leave_out=REREAD | {"revision_count"})
    with sqlite3.connect(repaired) as conn:
        revisions = conn.execute("select article_id, reason, title from revisions").fetchall()
        runs = conn.execute("select new, updated, unchanged from runs order by id").fetchall()
    assert sorted(revisions) == sorted((i, "re-extraction", broken[i]["title"]) for i in affected)
    assert runs[1] == (0, len(affected), len(right) - len(affected))  # the copy is dropped as republished
    assert {i for i, r in rows(repaired, "articles", "id").items() if r["revision_count"]} == affected


def test_a_killed_crawl_leaves_valid_warc_files(tmp_path):
    # Issue 11: "a test kills a crawl with SIGKILL and the WARC written so far is valid".
    server = RunningReplica(articles=400, seed=11, faults=False, delay=0.01)
    try:
        warc = tmp_path / "warc"
        process = start_crawl(server.base_url, tmp_path / "a.db", tmp_path / "crawl.log",
                              RTARABIC_WARC_DIR=str(warc), RTARABIC_WARC_MAX_BYTES=200_000)
        deadline = time.monotonic() + 120
        while sum(f.stat().st_size for f in warc.glob("*.warc.gz")) < 400_000 and process.poll() is None:
            assert time.monotonic() < deadline, (tmp_path / "crawl.log").read_text()[-3000:]
            time.sleep(0.02)
        assert process.poll() is None, "the crawl ended before it could be killed"
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
    finally:
        server.stop()
    files = sorted(warc.glob("*.warc.gz"))
    assert len(files) >= 2  # rotated at RTARABIC_WARC_MAX_BYTES
    check = warcio("check", *map(str, files))
    assert check.returncode == 0, check.stdout + check.stderr
    entries = index(files)
    responses = [e for e in entries if e["warc-type"] == "response"]
    assert len(responses) >= 20
    assert sum(e["warc-type"] == "warcinfo" for e in entries) == len(files)
    for entry in responses:
        kind, _, status, payload, _ = record_at(warc / entry["file"], int(entry["offset"]))
        assert (kind, status) == ("response", "200") and payload.rstrip().endswith(b"</html>")


def test_no_capture_when_the_folder_setting_is_empty(site, tmp_path):
    url = next(iter(site.site.expected_ids()))
    result = run_crawl(site.base_url, tmp_path, "-a", f"urls={site.url(f'/news/{url}')}", archive=True,
                       RTARABIC_WARC_DIR="")
    assert result.returncode == 0, result.log[-3000:]
    assert result.ids == [url]
    assert "Disabled rtarabic.capture.WarcCaptureMiddleware: RTARABIC_WARC_DIR is empty" in result.log
    assert rows(tmp_path / "archive.db", "articles", "id")[url]["warc_file"] is None
    assert not (tmp_path / "warc").exists()


def test_every_page_is_kept_with_the_all_pages_setting(site, tmp_path):
    result = run_crawl(site.base_url, tmp_path, "-a", "sections=sport", "-a", "max_pages=1", archive=True,
                       RTARABIC_WARC_DIR=str(tmp_path / "warc"), RTARABIC_WARC_ALL_PAGES=True)
    uris = [e["warc-target-uri"] for e in index(sorted((tmp_path / "warc").iterdir()))
            if e["warc-type"] == "response"]
    assert any(uri.endswith("/robots.txt") for uri in uris)
    assert any(uri.endswith("/sport/") for uri in uris)
    assert len(uris) == result.stat("downloader/response_count")


@pytest.mark.parametrize("argument, message", [
    ("warc={tmp}/missing", "-a warc=: no such WARC file or folder: {tmp}/missing"),
    ("warc={tmp}", "-a warc=: no WARC files (*.warc.gz, *.warc) in {tmp}"),
])
def test_a_bad_warc_argument_stops_the_crawl_with_one_line(site, tmp_path, argument, message):
    result = run_crawl(site.base_url, tmp_path / "run", "-a", argument.format(tmp=tmp_path), archive=True)
    assert result.returncode == 2  # refused before anything runs, like any bad -a argument
    assert message.format(tmp=tmp_path) in result.log
    assert result.stat("downloader/request_count") == 0


def test_a_crawl_refuses_an_archive_newer_than_the_code(site, tmp_path):
    db = tmp_path / "archive.db"
    Archive(db).close()
    conn = sqlite3.connect(db)
    conn.execute(f"pragma user_version = {SCHEMA_VERSION + 1}")
    conn.close()  # the last connection out checkpoints the WAL: the file itself is what is compared
    snapshot = db.read_bytes()
    command = crawl_command(site.base_url, RTARABIC_DB=str(db), RTARABIC_JSONL="", RTARABIC_WARC_DIR="")
    done = subprocess.run(command, cwd=ROOT, env=crawl_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 5  # an archive this release cannot use
    assert f"archive {db} has schema version {SCHEMA_VERSION + 1}, newer than this release's" in done.stderr
    assert "Traceback" not in done.stderr
    assert db.read_bytes() == snapshot


# --- withdrawn articles -------------------------------------------------------------------------


def test_a_withdrawn_article_stays_marked_and_a_later_200_clears_it(make_replica, tmp_path):
    server = make_replica(articles=20, faults=False)
    first = run_crawl(server.base_url, tmp_path, archive=True, RTARABIC_WARC_DIR=str(tmp_path / "warc"))
    assert first.returncode == 0, first.log[-3000:]
    db = tmp_path / "archive.db"
    archived = rows(db, "articles", "id")
    article_id = max(archived)
    url = archived[article_id]["url"]

    server.control("gone?on=1")
    try:
        with pytest.raises(urllib.error.HTTPError) as gone:
            fetch(url)
        assert gone.value.code == 410
        revisit = run_crawl(server.base_url, tmp_path, "-a", f"urls={url}", archive=True,
                            RTARABIC_WARC_DIR=str(tmp_path / "warc"))
    finally:
        server.control("gone?on=0")
    assert revisit.stat("rtarabic/withdrawn/seen") == 1
    after = rows(db, "articles", "id")
    assert sorted(after) == sorted(archived)  # the row stays
    assert after[article_id]["withdrawn_at"] is not None
    assert {k: v for k, v in after[article_id].items() if k != "withdrawn_at"} == \
        {k: v for k, v in archived[article_id].items() if k != "withdrawn_at"}
    assert [r["withdrawn_at"] for i, r in after.items() if i != article_id] == [None] * (len(after) - 1)
    assert withdrawn_query(db) == [{"id": article_id, "withdrawn_at": after[article_id]["withdrawn_at"],
                                    "answer": "HTTP 410", "title": archived[article_id]["title"]}]
    # The 410 itself is kept in the run's WARC file.
    with sqlite3.connect(db) as conn:
        warc_files = json.loads(conn.execute("select warc_files from runs order by id desc").fetchone()[0])
    assert [e["http:status"] for e in index([tmp_path / "warc" / warc_files[0]]) if e["warc-type"] == "response"] \
        == ["410"]

    back = run_crawl(server.base_url, tmp_path, "-a", f"urls={url}", archive=True, RTARABIC_WARC_DIR="")
    assert back.returncode == 0, back.log[-3000:]
    assert rows(db, "articles", "id")[article_id]["withdrawn_at"] is None
    with sqlite3.connect(db) as conn:
        events = conn.execute("select article_id, event, detail, run_id from article_events order by id").fetchall()
    assert events == [(article_id, "withdrawn", "HTTP 410", 2),
                      (article_id, "reinstated", f"withdrawn since {after[article_id]['withdrawn_at']}", 3)]
    assert withdrawn_query(db) == []


def withdrawn_query(db: Path) -> list[dict]:
    """The rows of Datasette's ``withdrawn`` canned query (datasette/metadata.yml) over ``db``."""
    import asyncio

    import yaml
    from datasette.app import Datasette

    served = db.parent / "rtarabic.db"  # the database name the metadata configures
    if not served.exists():
        served.symlink_to(db)
    metadata = yaml.safe_load((ROOT / "datasette" / "metadata.yml").read_text("utf-8"))
    ds = Datasette([str(served)], metadata=metadata, plugins_dir=str(ROOT / "datasette" / "plugins"))
    response = asyncio.run(ds.client.get("/rtarabic/withdrawn.json?_shape=array"))
    assert response.status_code == 200, response.text
    return [{k: row[k] for k in ("id", "withdrawn_at", "answer", "title")} for row in response.json()]


def test_a_compressed_body_is_kept_as_sent_and_re_extracted(tmp_path):
    # The WARC holds the bytes on the wire: a gzip body stays gzipped, with its Content-Encoding; Scrapy's
    # own decompression then runs in the re-extraction as it did in the crawl.
    import gzip

    from tests.replica import Site
    from tests.replica.running import REPLICA_NOW
    from tests.replica.server import ReplicaHandler, running

    class GzipHandler(ReplicaHandler):
        def send(self, status, body, content_type="text/html; charset=utf-8", headers=None, length=None):
            if status == 200 and "gzip" in (self.headers.get("Accept-Encoding") or ""):
                body = gzip.compress(body.encode("utf-8") if isinstance(body, str) else body, mtime=0)
                headers = {**(headers or {}), "Content-Encoding": "gzip"}
            return super().send(status, body, content_type, headers, length)

    site = Site(articles=10, seed=5, now=REPLICA_NOW, faults=False)
    with running(site, handler=GzipHandler) as server:
        url = site.url(site.expected_ids()[0])
        result = run_crawl(server.base_url, tmp_path, "-a", f"urls={url}", archive=True)
        plain = fetch(url)  # urllib asks for no encoding: the page itself
    assert result.returncode == 0, result.log[-3000:]
    db = tmp_path / "archive.db"
    (row,) = rows(db, "articles", "id").values()
    kind, _, status, payload, _ = record_at(tmp_path / "warc" / row["warc_file"], row["warc_offset"])
    assert (kind, status) == ("response", "200")
    assert payload[:2] == b"\x1f\x8b" and gzip.decompress(payload) == plain
    with open(tmp_path / "warc" / row["warc_file"], "rb") as stream:
        stream.seek(row["warc_offset"])
        assert next(iter(ArchiveIterator(stream))).http_headers.get_header("Content-Encoding") == "gzip"

    done = reextract(server.base_url, tmp_path / "warc", tmp_path / "again.db")
    assert done.returncode == 0, done.stderr[-3000:]
    assert archive_rows(tmp_path / "again.db", "articles", "id") == archive_rows(db, "articles", "id")


def test_a_damaged_warc_file_gives_the_records_before_the_damage(site, crawled, tmp_path):
    _, db, warc = crawled
    (source,) = warc.iterdir()
    data = source.read_bytes()
    offsets = [int(e["offset"]) for e in index([source]) if e["warc-type"] == "response"]
    # The records the crawl stored its articles from (fault pages, redirects and retries lie between them).
    stored = sorted((row["warc_offset"], article_id) for article_id, row in rows(db, "articles", "id").items())
    # Cut in the middle of the response after the sixth stored one; add a file that is no WARC at all.
    following = offsets[offsets.index(stored[5][0]) + 1]
    cut = (following + offsets[offsets.index(following) + 1]) // 2
    damaged = tmp_path / "warc"
    damaged.mkdir()
    (damaged / source.name).write_bytes(data[:cut])
    (damaged / "notes.warc").write_text("not a WARC file\n")
    done = reextract(site.base_url, damaged, tmp_path / "again.db")
    # 3 when the fault pages among the records kept (a truncated page whose retry lies past the cut, an
    # anti-bot page) are a share of this small replay that the health check calls drift or a block.
    assert done.returncode in (0, 3), done.stderr[-3000:]
    if done.returncode == 3:
        unhealthy = re.search(r"Unhealthy: (.*)", done.stderr).group(1)
        assert unhealthy.startswith(("layout drift: extraction failed on ", "blocked: ")), unhealthy
        assert not any(word in unhealthy for word in ("archive", "finish reason", "invalid", "empty run")), unhealthy
    assert "cannot be read to its end" in done.stderr and "Traceback" not in done.stderr
    again = rows(tmp_path / "again.db", "articles", "id")
    assert set(again) == {article_id for offset, article_id in stored if offset < following}
    assert len(again) >= 6


def test_a_warc_folder_that_cannot_be_created_is_refused_before_any_request(site, tmp_path):
    # Fetching pages that cannot be kept loses them; a full disk during the run stops it instead
    # (tests/test_reliability_storage.py).
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the WARC folder should be\n")
    article_id = site.site.expected_ids()[1]
    result = run_crawl(site.base_url, tmp_path, "-a", f"urls={site.url(f'/news/{article_id}')}", archive=True,
                       RTARABIC_WARC_DIR=str(blocker / "warc"))
    assert result.returncode == 5, result.log[-3000:]
    last = result.log.strip().splitlines()[-1]
    assert f"cannot create the WARC folder {blocker / 'warc'} (RTARABIC_WARC_DIR): Not a directory" in last
    assert "Traceback" not in result.log and "Crawled" not in result.log


def test_a_folder_of_several_runs_is_re_extracted_from_each_article_s_newest_capture(make_replica, tmp_path):
    server = make_replica(articles=20, faults=False)
    warc = tmp_path / "warc"
    first = run_crawl(server.base_url, tmp_path, archive=True, RTARABIC_WARC_DIR=str(warc))
    assert first.returncode == 0, first.log[-3000:]
    db = tmp_path / "archive.db"
    article_id = max(rows(db, "articles", "id"))
    server.control(f"edit?id={article_id}")
    edited = run_crawl(server.base_url, tmp_path, "-a", f"urls={server.url(f'/news/{article_id}')}", archive=True,
                       RTARABIC_WARC_DIR=str(warc))
    # 3 when this one article's page needs a meta fallback: a share of 1 of 1 is "drift" to the health check.
    assert edited.returncode in (0, 3) and edited.stat("rtarabic/archive/updated") == 1, edited.log[-3000:]
    assert len(list(warc.iterdir())) == 2

    done = reextract(server.base_url, warc, tmp_path / "again.db")
    assert done.returncode == 0, done.stderr[-3000:]
    again, crawled = rows(tmp_path / "again.db", "articles", "id"), rows(db, "articles", "id")
    assert again[article_id]["body"] == crawled[article_id]["body"]  # the edited text, from the second run
    assert (again[article_id]["warc_file"], again[article_id]["warc_offset"]) == \
        (crawled[article_id]["warc_file"], crawled[article_id]["warc_offset"])
    assert archive_rows(tmp_path / "again.db", "articles", "id", leave_out=REREAD | {"revision_count"}) == \
        archive_rows(db, "articles", "id", leave_out=REREAD | {"revision_count"})
    assert "passed over: {'older': 1}" in done.stderr
