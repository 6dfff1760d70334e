"""A real ``datasette serve`` of an archive on a free local port, for the tests and the benchmarks."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests import ROOT

#: The arguments of ``make datasette`` after the database file.
SERVE_OPTIONS = (
    "--metadata", str(ROOT / "datasette" / "metadata.yml"),
    "--plugins-dir", str(ROOT / "datasette" / "plugins"),
    "--template-dir", str(ROOT / "datasette" / "templates"),
    "--setting", "truncate_cells_html", "300",
)


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_datasette(db: Path, *, log: Path | None = None, timeout: float = 60) -> tuple[subprocess.Popen, str]:
    """``python -m datasette serve db`` with ``SERVE_OPTIONS`` on a free port, once it answers.

    :param log: the file that gets the server's output (default: none kept)
    :return: the process (terminate it when done) and its base URL
    :raises RuntimeError: when the server exits or does not answer within ``timeout`` seconds
    """
    port = free_port()
    command = [sys.executable, "-m", "datasette", "serve", str(db), "-h", "127.0.0.1", "-p", str(port),
               *SERVE_OPTIONS]
    with open(log if log else os.devnull, "wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url + "/-/versions.json", timeout=2):
                return process, url
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                process.wait(timeout=10)
                tail = log.read_text("utf-8", "replace")[-3000:] if log else ""
                raise RuntimeError(f"datasette did not start: {tail}") from None
            time.sleep(0.1)
