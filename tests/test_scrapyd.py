"""The project deployed to a real Scrapyd: ``scrapyd-deploy`` builds and uploads the egg, ``schedule.json``
runs an incremental crawl and a backfill of the replica into an archive given by absolute path, and two jobs
scheduled on one archive leave one writer (the run lock)."""

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.crawling import CRAWL_ENV, ROOT, TEST_SETTINGS
from tests.replica.generator import Site
from tests.replica.server import running

pytestmark = pytest.mark.slow

NOW = "2026-12-01T09:00:00+00:00"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def call(url: str, path: str, data: list[tuple[str, str]] | None = None) -> dict:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(url + path, data=body, timeout=30) as response:
        return json.loads(response.read())


class Scrapyd:
    """``scrapyd`` started in ``folder`` (its scrapyd.conf: 127.0.0.1, a free port, folders inside it)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        (folder / "scrapyd.conf").write_text(
            "[scrapyd]\n"
            "bind_address = 127.0.0.1\n"
            f"http_port = {self.port}\n"
            "eggs_dir = eggs\nlogs_dir = logs\ndbs_dir = dbs\nitems_dir =\n"
            "poll_interval = 0.5\nmax_proc = 2\n",
            "utf-8",
        )
        self.log = open(folder / "scrapyd.log", "w")  # noqa: SIM115 - closed in stop()
        env = {**CRAWL_ENV}
        env.pop("SCRAPY_SETTINGS_MODULE")  # each job's settings come from its egg
        self.process = subprocess.Popen([sys.executable, "-m", "scrapyd"], cwd=folder, stdout=self.log,
                                        stderr=subprocess.STDOUT, env={**dict(os.environ), **env})
        deadline = time.monotonic() + 60
        while True:
            try:
                if call(self.url, "daemonstatus.json")["status"] == "ok":
                    return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError((folder / "scrapyd.log").read_text("utf-8")[-3000:])
            time.sleep(0.3)

    def schedule(self, *arguments: str, **settings) -> str:
        data = [("project", "rtarabic"), ("spider", "rtarabic")]
        data += [("setting", f"{k}={v}") for k, v in {**TEST_SETTINGS, **settings}.items()]
        data += [tuple(a.split("=", 1)) for a in arguments]  # spider arguments: name=value
        answer = call(self.url, "schedule.json", data)
        assert answer["status"] == "ok", answer
        return answer["jobid"]

    def wait(self, *jobs: str, timeout: float = 240) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            finished = {j["id"] for j in call(self.url, "listjobs.json?project=rtarabic")["finished"]}
            if set(jobs) <= finished:
                return
            time.sleep(0.5)
        raise TimeoutError(f"jobs {jobs} still running; log: {self.job_log(jobs[0])[-2000:]}")

    def job_log(self, job: str) -> str:
        path = self.folder / "logs" / "rtarabic" / "rtarabic" / f"{job}.log"
        return path.read_text("utf-8") if path.exists() else ""

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


@pytest.fixture(scope="module")
def scrapyd(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scrapyd")
    server = Scrapyd(folder)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def deployed(scrapyd, tmp_path_factory):
    """``scrapyd-deploy`` of this repository, to a target named in a scrapy.cfg of the operator's own."""
    config = tmp_path_factory.mktemp("config")
    (config / "scrapy.cfg").write_text(f"[deploy:test]\nurl = {scrapyd.url}\nproject = rtarabic\n", "utf-8")
    deploy = Path(sys.executable).with_name("scrapyd-deploy")
    done = subprocess.run([str(deploy), "test", "--version", "1"], cwd=ROOT, capture_output=True, text=True,
                          env={**dict(os.environ), "XDG_CONFIG_HOME": str(config)}, timeout=180)
    assert done.returncode == 0, done.stderr + done.stdout
    assert '"status": "ok"' in done.stdout + done.stderr
    return scrapyd


def archive_rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_the_deployed_egg_holds_the_spider_and_its_schema(deployed):
    assert call(deployed.url, "listspiders.json?project=rtarabic")["spiders"] == ["rtarabic"]
    egg = next((deployed.folder / "eggs" / "rtarabic").glob("*.egg"))
    names = zipfile.ZipFile(egg).namelist()
    assert "rtarabic/schema/article.json" in names
    assert not any(name.startswith(("tests/", "bench/")) for name in names)


def test_scheduled_crawl_and_backfill_fill_the_archive(deployed, tmp_path):
    site = Site(articles=60, seed=3, now=NOW, faults=False)
    db = tmp_path / "archive" / "rtarabic.db"  # an absolute path: a job runs in Scrapyd's own folder
    db.parent.mkdir()
    with running(site):
        crawl = deployed.schedule(RTARABIC_BASE_URL=site.base_url, RTARABIC_DB=db, RTARABIC_JSONL="")
        deployed.wait(crawl)
        ids = {row[0] for row in archive_rows(db, "select id from articles")}
        until = site.truth(site.article_ids()[-1])["published"][:10]
        since = site.truth(site.article_ids()[0])["published"][:10]
        backfill = deployed.schedule(f"since={since}", f"until={until}", RTARABIC_BASE_URL=site.base_url,
                                     RTARABIC_DB=db, RTARABIC_JSONL="")
        deployed.wait(backfill)
    log = deployed.job_log(crawl)
    assert "Spider closed (finished)" in log, log[-3000:]
    assert ids == set(site.article_ids()), log[-3000:]
    runs = archive_rows(db, "select finish_reason, exit_status, new from runs order by id")
    assert runs == [("finished", 0, len(ids)), ("finished", 0, 0)], deployed.job_log(backfill)[-3000:]


def test_two_jobs_on_one_archive_leave_one_writer(deployed, tmp_path):
    site = Site(articles=40, seed=3, now=NOW, faults=False)
    db = tmp_path / "rtarabic.db"
    with running(site, delay=0.05):  # slow enough that the first job still runs when the second starts
        jobs = [deployed.schedule(RTARABIC_BASE_URL=site.base_url, RTARABIC_DB=db, RTARABIC_JSONL="",
                                  CONCURRENT_REQUESTS_PER_DOMAIN=2) for _ in range(2)]
        deployed.wait(*jobs)
    logs = [deployed.job_log(job) for job in jobs]
    refused = [log for log in logs if "another rtarabic run" in log]
    assert len(refused) == 1, "\n\n".join(log[-1500:] for log in logs)
    assert archive_rows(db, "select count(*) from runs") == [(1,)]


def test_a_refused_job_logs_one_line_and_no_traceback(deployed, tmp_path):
    # A bad argument and a corrupt archive: the job's log ends with the refusal, as `scrapy crawl` prints it,
    # and nothing is fetched. Scrapyd keeps no exit status, so the log line is what the operator sees.
    db = tmp_path / "rtarabic.db"
    db.write_bytes(b"not an archive" * 100)
    jobs = {deployed.schedule("ids=5-1", RTARABIC_DB=tmp_path / "fresh.db", RTARABIC_JSONL=""):
            "-a ids= must be a range FROM-TO",
            deployed.schedule(RTARABIC_DB=db, RTARABIC_JSONL=""): f"{db} is not a usable rtarabic archive"}
    deployed.wait(*jobs)
    for job, message in jobs.items():
        log = deployed.job_log(job)
        assert message in log.strip().splitlines()[-1], log[-2000:]
        assert "Traceback" not in log and "Crawled" not in log, log[-2000:]
    assert "Traceback" not in (deployed.folder / "scrapyd.log").read_text("utf-8")
    assert not (tmp_path / "fresh.db").exists()
