"""A replica server in a subprocess (``python -m tests.replica``), like Scrapy's MockServer."""

import json
import subprocess
import sys
import urllib.request

from tests import ROOT

#: The fixed clock of the test replicas, so the subprocess and an in-process Site agree.
REPLICA_NOW = "2026-12-01T09:00:00+00:00"


class RunningReplica:
    """``python -m tests.replica`` in a subprocess, stopped by ``stop()`` or on leaving a ``with`` block.

    ``base_url`` is what the server printed; ``extra`` are more command-line options (e.g.
    ``("--fault-rates", "500=0.05")``). ``site`` is a ``Site`` built with the same options (and
    the same base URL) for the ground truth, or None when ``truth`` is false (``make_site()``
    builds one on demand). Mutations made through ``control()`` are applied to ``site`` too, so
    its truth stays in step with the server.
    """

    #: Seconds an answer of ``/_replica/`` may take.
    control_timeout = 30

    def __init__(self, articles: int = 300, seed: int = 1, now: str = REPLICA_NOW, faults: bool = True,
                 layout_drift: bool = False, delay: float = 0.0, slow_delay: float = 1.0,
                 sitemap_limit: int | None = None, ddos_guard: bool = False, extra: tuple[str, ...] = (),
                 truth: bool = True, template: str = "mix"):
        self.articles, self.seed, self.now, self.faults = articles, seed, now, faults
        self.layout_drift, self.slow_delay, self.sitemap_limit = layout_drift, slow_delay, sitemap_limit
        self.template = template
        args = [sys.executable, "-m", "tests.replica", "--port", "0", "--articles", str(articles),
                "--seed", str(seed), "--now", now, "--delay", str(delay), "--slow-delay", str(slow_delay),
                "--template", template]
        if not faults:
            args.append("--no-faults")
        if layout_drift:
            args.append("--layout-drift")
        if ddos_guard:
            args.append("--ddos-guard")
        if sitemap_limit:
            args += ["--sitemap-limit", str(sitemap_limit)]
        args += extra
        self.process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        self.base_url = self.process.stdout.readline().strip()
        if not self.base_url.startswith("http://"):
            self.stop()
            raise RuntimeError(f"replica did not start: {args}")
        self.site = self.make_site() if truth else None

    def make_site(self):
        """A new in-process ``Site`` with the server's options and base URL (as first served)."""
        from tests.replica import Site

        return Site(articles=self.articles, seed=self.seed, now=self.now, faults=self.faults,
                    layout_drift=self.layout_drift, base_url=self.base_url, slow_delay=self.slow_delay,
                    sitemap_limit=self.sitemap_limit, template=self.template)

    def url(self, path: str) -> str:
        return self.base_url + path

    def control(self, path: str):
        """Call ``/_replica/<path>`` (e.g. ``"publish?n=3"``) and mirror mutations on ``site``."""
        with urllib.request.urlopen(f"{self.base_url}/_replica/{path}", timeout=self.control_timeout) as response:
            answer = json.loads(response.read())
        if self.site is None:
            return answer
        command, _, query = path.partition("?")
        params = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
        if command == "publish":
            self.site.publish(int(params.get("n", 1)))
        elif command == "edit":
            self.site.edit(int(params["id"]))
        elif command == "republish":
            self.site.republish(int(params["id"]))
        elif command == "drift":
            self.site.set_drift(params.get("on", "1") == "1")
        return answer

    def stats(self) -> dict:
        return self.control("stats")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process.stdout.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
