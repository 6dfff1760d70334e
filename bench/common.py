"""Helpers the benchmarks share: a replica server in a subprocess, a crawl subprocess, the machine."""

import json
import os
import platform
import subprocess
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psutil

from tests import ROOT
from tests.crawling import crawl_command, crawl_env
from tests.replica.running import RunningReplica

#: Politeness off: the benchmarks measure our code, not the delays we keep for the live site.
FAST_SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "TELNETCONSOLE_ENABLED": False,
    "REMOTE_CONTROL_ENABLED": False,
    "LOG_LEVEL": "INFO",
}


class Replica(RunningReplica):
    """``python -m tests.replica`` in a subprocess (fault-free by default); ``cpu_seconds()`` is what
    it has used so far. No in-process truth is kept: ``make_site()`` builds one."""

    control_timeout = 60

    def __init__(self, articles: int, *, seed: int = 1, faults: bool = False, extra: tuple = ()):
        super().__init__(articles=articles, seed=seed, faults=faults, extra=extra, truth=False)
        self._ps = psutil.Process(self.process.pid)

    def cpu_seconds(self) -> float:
        times = self._ps.cpu_times()
        return times.user + times.system


@dataclass
class Crawl:
    """What one ``scrapy crawl rtarabic`` subprocess did."""

    seconds: float
    returncode: int
    stats: dict
    peak_rss: int  # bytes, the crawl process's high-water mark
    cpu_seconds: float
    log: str = field(repr=False, default="")

    def stat(self, key: str, default=0):
        return self.stats.get(key, default)


def run_crawl(base_url: str, workdir: Path, *args: str, db: Path | None = None, timeout: float = 7200,
              **settings) -> Crawl:
    """One crawl of ``base_url`` into ``db`` with JSON Lines beside it.

    ``db`` defaults to ``workdir/rtarabic.db``: Datasette's metadata names the database "rtarabic".

    Peak RSS is the child's ``VmHWM`` (``/proc/<pid>/status``), read as it runs: the high-water mark of the
    crawl's own memory since ``exec``. ``wait4``'s ``ru_maxrss`` would also count the pages the child shared
    with this process between ``fork`` and ``exec`` (after the extraction benchmark, this process is larger
    than the crawl); it is the fallback where ``/proc`` is missing.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    stats_file = workdir / "stats.json"
    stats_file.unlink(missing_ok=True)
    log_file = workdir / "crawl.log"
    files = {"RTARABIC_DB": str(db or workdir / "rtarabic.db"), "RTARABIC_JSONL": str(workdir / "items-%(time)s.jsonl"),
             "RTARABIC_STATS_FILE": str(stats_file), "RTARABIC_WARC_DIR": str(workdir / "warc")}
    command = crawl_command(base_url, *args, base=FAST_SETTINGS, **{**files, **settings})
    started = time.perf_counter()
    with open(log_file, "w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=crawl_env(), stdout=log, stderr=subprocess.STDOUT)
        deadline = started + timeout
        high_water = 0
        while True:
            high_water = max(high_water, _high_water_kib(process.pid))
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
            time.sleep(0.05)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    stats = json.loads(stats_file.read_text("utf-8")) if stats_file.exists() else {}
    return Crawl(seconds=seconds, returncode=process.returncode, stats=stats,
                 peak_rss=(high_water or usage.ru_maxrss) * 1024,
                 cpu_seconds=usage.ru_utime + usage.ru_stime, log=log_file.read_text("utf-8", errors="replace"))


def _high_water_kib(pid: int) -> int:
    """``VmHWM`` of a running process in KiB (0 when it cannot be read)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def machine() -> dict:
    """Cores, memory, versions and the date, for the head of the results."""
    import sqlite3

    import lxml.etree
    import scrapy
    import trafilatura

    import datasette

    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": f"{os.cpu_count()} cores ({platform.processor() or platform.machine()})",
        "memory": f"{psutil.virtual_memory().total / 2**30:.1f} GiB",
        "os": platform.platform(terse=True),
        "python": platform.python_version(),
        "versions": (f"Scrapy {scrapy.__version__}, lxml {'.'.join(map(str, lxml.etree.LXML_VERSION))}, "
                     f"trafilatura {trafilatura.__version__}, Datasette {datasette.__version__}, "
                     f"SQLite {sqlite3.sqlite_version}"),
    }

