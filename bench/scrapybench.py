"""The reference: ``scrapy bench`` pages per second on this machine, in this run.

It runs outside the project directory, so that none of our settings, middlewares or
extensions apply: Scrapy's own spider against Scrapy's own local server.
"""

import os
import re
import subprocess
import sys
import tempfile

CRAWLED = re.compile(r"Crawled (\d+) pages \(at (\d+) pages/min\)")
ELAPSED = re.compile(r"'elapsed_time_seconds': ([\d.]+)")
RECEIVED = re.compile(r"'response_received_count': (\d+)")


def parse(log: str) -> dict:
    """Pages per second from a ``scrapy bench`` log.

    ``pages_per_second`` is the whole run (responses / elapsed); the per-second readings of
    LogStats swing widely on a shared machine, so their spread is kept for the record.
    """
    readings = [int(rate) / 60 for _, rate in CRAWLED.findall(log)][1:]  # the first is always 0
    received, elapsed = RECEIVED.search(log), ELAPSED.search(log)
    if not (received and elapsed):
        raise RuntimeError("scrapy bench log without final stats:\n" + log[-2000:])
    return {
        "pages_per_second": int(received[1]) / float(elapsed[1]),
        "pages": int(received[1]),
        "seconds": float(elapsed[1]),
        "readings_min": min(readings, default=0.0),
        "readings_max": max(readings, default=0.0),
    }


def run(seconds: int = 20) -> dict:
    env = {key: value for key, value in os.environ.items() if key != "SCRAPY_SETTINGS_MODULE"}
    env["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""
    with tempfile.TemporaryDirectory() as outside:
        done = subprocess.run(
            [sys.executable, "-m", "scrapy", "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}",
             "-s", "TELNETCONSOLE_ENABLED=False", "-s", "REMOTE_CONTROL_ENABLED=False"],
            cwd=outside, env=env, capture_output=True, text=True, timeout=seconds + 120,
        )
    return parse(done.stderr + done.stdout)
