"""The replica's HTTP server: routes, faults and the ``/_replica/`` control endpoints.

Paths are served whatever the Host header says, so links to the mirror host
(rtarabic.com) or arabic.rt.com work once a crawler maps them to the base URL.

Control endpoints (GET or POST, JSON answers; robots.txt disallows them):

- ``/_replica/publish?n=K``      K new articles at the top of listings and feeds -> {"ids": [...]}
- ``/_replica/edit?id=ID``       new body text and modified date, same id -> the new truth
- ``/_replica/republish?id=ID``  same title/lead/body under a new id -> {"id": new}
- ``/_replica/drift?on=1|0``     serve article pages in an unknown redesign
- ``/_replica/block?on=1|0``     answer every article page with the DDoS-Guard 403
- ``/_replica/gone?on=1|0``      answer every article page 410 Gone (listings still show them)
- ``/_replica/stats``            {"total", "by_kind": {...}, "by_path": {...}, "user_agents": {...}}
- ``/_replica/reset-stats``      zero the counters (and re-arm the 500-once faults)
- ``/_replica/truth.json``       the whole truth (``Site.truth_document()``)
- ``/_replica/truth?id=ID``      one article's truth + "replica" details

Rate-based faults (``fault_rates``, e.g. ``{"500": 0.05, "timeout": 0.02, "truncated": 0.02,
"403": 0.01, "429": 0.01, "503burst": 0.005}``) come on top of the designated fault articles: each
request's fault is drawn from (seed, path, how many times that path was asked before), so a retry
draws again. Every page but robots.txt (articles, listings, RSS, sitemaps, sections, tags) can get
``500``, ``503``, ``429`` (with ``Retry-After: retry_after``), ``403`` (the DDoS-Guard interstitial,
§2.8: on feeds and listings too), ``timeout`` (no answer for ``timeout_delay`` seconds, then the
connection closes) and ``503burst`` (this and the next ``burst_length - 1`` requests, whatever their
path, answer 503); ``truncated`` hits canonical article pages only. ``/_replica/stats`` counts them
under ``"injected"``.

Feeds and listings (``/rss/``, ``/listing/...``, the home, section and tag pages) carry an
``ETag`` (a hash of the body) and ``Last-Modified`` (the newest article's publication time),
and answer ``304 Not Modified`` to a request whose ``If-None-Match`` (or, without one,
``If-Modified-Since``) still matches; ``/_replica/stats`` counts them under ``"not_modified"``.
"""

import hashlib
import json
import random
import re
import threading
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from . import pages
from .dates import rfc822
from .generator import SECTIONS, TAG_NAMES, Site

ARTICLE_PATH = re.compile(r"^/(?P<section>[a-z_]+)/(?P<id>\d+)(?:-(?P<slug>[^/]*))?(?P<tail>/amp/?|/)?$")
OTHER_PATH = re.compile(r"^/(?P<kind>prg|video|photolines)/(?P<rest>.+?)(?P<amp>/amp/?)?$")
LISTING_PATH = re.compile(r"^/listing/(?P<filter>[^/]+)/(?:no)?prepare/(?P<template>[^/]+)/(?P<limit>\d+)/(?P<page>\d+)/?$")
SITEMAP_PATH = re.compile(r"^/(?P<name>sitemap_\d{4}(?:_\d+)?\.xml)$")
SHORT_PATH = re.compile(r"^/(?P<code>[0-9a-z]{4})$")
#: Rate-based faults drawn for every path but robots.txt (``truncated`` only for article pages).
SITE_WIDE_FAULTS = ("500", "503", "503burst", "429", "403", "timeout")
FAULT_KINDS = (*SITE_WIDE_FAULTS, "truncated")


class ReplicaServer(ThreadingHTTPServer):
    """A threading HTTP server holding the ``Site`` and the request counters."""

    daemon_threads = True
    request_queue_size = 256

    def __init__(self, address, site: Site, *, delay: float = 0.0, block: bool = False,
                 fault_rates: dict[str, float] | None = None, fault_seed: int = 0, timeout_delay: float = 3.0,
                 burst_length: int = 5, retry_after: int = 1,
                 handler: type[BaseHTTPRequestHandler] | None = None):
        super().__init__(address, handler or ReplicaHandler)
        self.site = site
        self.delay = delay
        self.block = block
        self.gone = False
        self.fault_rates = fault_rates or {}
        self.fault_seed = fault_seed
        self.timeout_delay = timeout_delay
        self.asked: Counter = Counter()
        self.injected: Counter = Counter()
        self.stats_lock = threading.Lock()
        self.by_kind: Counter = Counter()
        self.by_path: Counter = Counter()
        self.user_agents: Counter = Counter()
        self.failed_once: set[int] = set()
        self.burst_left = 0
        self.burst_length = burst_length
        self.retry_after = retry_after
        self.not_modified = 0

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def count(self, kind: str, path: str) -> None:
        with self.stats_lock:
            self.by_kind[kind] += 1
            self.by_path[path] += 1

    def stats(self) -> dict:
        with self.stats_lock:
            return {"total": sum(self.by_kind.values()), "by_kind": dict(self.by_kind), "by_path": dict(self.by_path),
                    "injected": dict(self.injected), "user_agents": dict(self.user_agents),
                    "not_modified": self.not_modified}

    def draw_fault(self, path: str, kinds: tuple[str, ...]) -> str | None:
        """The rate-based fault of this request of ``path`` among ``kinds``, or None (and count it)."""
        if not self.fault_rates:
            return None
        with self.stats_lock:
            nth = self.asked[path, kinds]
            self.asked[path, kinds] += 1
        draw = random.Random(f"{self.fault_seed}:{path}:{kinds}:{nth}").random()
        for kind in kinds:
            draw -= self.fault_rates.get(kind, 0.0)
            if draw < 0:
                with self.stats_lock:
                    self.injected[kind] += 1
                    if kind == "503burst":
                        self.burst_left = self.burst_length - 1
                        return "burst"
                return kind
        return None

    def in_burst(self) -> str | None:
        """"burst" while a 503 burst lasts: a drawn "503burst" answers this and the next
        ``burst_length - 1`` requests, whatever their path, with 503."""
        with self.stats_lock:
            if self.burst_left > 0:
                self.burst_left -= 1
                return "burst"
        return None

    def reset_stats(self) -> None:
        with self.stats_lock:
            self.by_kind.clear()
            self.by_path.clear()
            self.user_agents.clear()
            self.failed_once.clear()
            self.injected.clear()
            self.not_modified = 0


class ReplicaHandler(BaseHTTPRequestHandler):
    server: ReplicaServer
    protocol_version = "HTTP/1.1"

    server_name_header = "nginx"

    def version_string(self) -> str:
        return self.server_name_header

    def log_message(self, format, *args):  # noqa: A002 - keep the test output quiet
        pass

    def do_HEAD(self):
        self.do_GET()

    def do_POST(self):
        self.do_GET()

    def do_GET(self):
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        self.query = parse_qs(parts.query)
        try:
            if path.startswith("/_replica/"):
                return self.control(path[len("/_replica/"):])
            if self.server.delay:
                time.sleep(self.server.delay)
            if path != "/robots.txt":
                fault = self.server.in_burst() or self.server.draw_fault(parts.path, SITE_WIDE_FAULTS)
                if fault == "500":
                    return self.send(500, "<html><body><h1>500 Internal Server Error</h1></body></html>")
                if fault in ("503", "burst"):
                    return self.send(503, "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>")
                if fault == "429":
                    return self.send(429, "<html><body><h1>429 Too Many Requests</h1></body></html>",
                                     headers={"Retry-After": str(self.server.retry_after)})
                if fault == "403":
                    return self.ddos_guard()
                if fault == "timeout":
                    time.sleep(self.server.timeout_delay)
                    self.close_connection = True
                    return None
            self.route(path, parts.path)
        except (BrokenPipeError, ConnectionResetError):
            pass
        except Exception:  # a replica bug: say so loudly instead of dropping the connection
            traceback.print_exc()
            self.send(599, "replica error (see its stderr)", "text/plain; charset=utf-8")

    # -- responses ------------------------------------------------------------------------------

    def send(self, status: int, body: str | bytes, content_type: str = "text/html; charset=utf-8",
             headers: dict | None = None, length: int | None = None) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        headers = dict(headers or {})
        validators, self.validated = getattr(self, "validated", False), False
        if validators and status == 200:
            headers.update(self.validators(data))
            if self.not_modified(headers):
                with self.server.stats_lock:
                    self.server.not_modified += 1
                status, data, length = 304, b"", None
        self.server_name_header = headers.pop("Server", "nginx")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data) if length is None else length))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        if length is not None:
            self.close_connection = True

    def ddos_guard(self) -> None:
        """The DDoS-Guard JavaScript check (§2.8), answered 403 with its cookie."""
        self.send(403, pages.ddos_guard_page(), headers={
            "Server": "ddos-guard", "Set-Cookie": "__ddg1_=Xq7rYBnVXxq0PIZ1mFtP; Path=/; HttpOnly",
            "Cache-Control": "no-store"})
    def send_validated(self, status: int, body: str, content_type: str = "text/html; charset=utf-8") -> None:
        """``send`` for a feed or listing: with ETag and Last-Modified, and 304 when the request's match.

        A flag rather than an argument, so that handlers overriding ``send`` keep working.
        """
        self.validated = True
        self.send(status, body, content_type)

    def validators(self, data: bytes) -> dict:
        newest = self.server.site.newest(1)
        headers = {"ETag": f'"{hashlib.sha1(data).hexdigest()[:16]}"'}
        if newest:
            headers["Last-Modified"] = rfc822(self.server.site.entries[newest[0]].published).replace("+0000", "GMT")
        return headers

    def not_modified(self, headers: dict) -> bool:
        """RFC 9110: If-None-Match decides when present, else If-Modified-Since against Last-Modified."""
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            return headers["ETag"] in [tag.strip() for tag in if_none_match.split(",")]
        since, modified = self.headers.get("If-Modified-Since"), headers.get("Last-Modified")
        if not since or not modified:
            return False
        try:
            return parsedate_to_datetime(modified) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False

    def redirect(self, status: int, location: str) -> None:
        self.send(status, "", headers={"Location": location})

    def json(self, payload, status: int = 200) -> None:
        self.send(status, json.dumps(payload, ensure_ascii=False), "application/json; charset=utf-8")

    def not_found(self, status: int = 404) -> None:
        self.send(status, pages.not_found_page(status))

    # -- routing --------------------------------------------------------------------------------

    def route(self, path: str, raw_path: str) -> None:
        site = self.server.site
        count = self.server.count
        with self.server.stats_lock:
            self.server.user_agents[self.headers.get("User-Agent", "")] += 1
        if path == "/":
            count("other", raw_path)
            return self.send_validated(200, pages.home_page(site))
        if path == "/robots.txt":
            count("other", raw_path)
            return self.send(200, pages.robots(site), "text/plain; charset=utf-8")
        if path in ("/rss", "/rss/"):
            count("rss", raw_path)
            return self.send_validated(200, pages.rss(site), "application/rss+xml; charset=utf-8")
        match = re.match(r"^/rss/([a-z_]+)/?$", path)
        if match and match[1] in SECTIONS:
            count("rss", raw_path)
            return self.send_validated(200, pages.rss(site, match[1]), "application/rss+xml; charset=utf-8")
        if path == "/sitemap.xml":
            count("sitemap", raw_path)
            return self.send(200, pages.sitemap_index(site), "application/xml; charset=utf-8")
        match = SITEMAP_PATH.match(path)
        if match:
            count("sitemap", raw_path)
            listed = pages.sitemap_files(site).get(match["name"])
            if listed is None:
                return self.not_found()
            return self.send(200, pages.sitemap(site, listed[0]), "application/xml; charset=utf-8")
        match = LISTING_PATH.match(path)
        if match:
            count("listing", raw_path)
            return self.listing(match)
        match = re.match(r"^/tags/([^/]+)/?$", path)
        if match:
            count("tag", raw_path)
            if match[1] not in TAG_NAMES:
                return self.not_found()
            return self.send_validated(200, pages.tag_page(site, match[1]))
        match = re.match(r"^/([a-z_]+)/?$", path)
        if match and match[1] in SECTIONS:
            count("section", raw_path)
            return self.send_validated(200, pages.section_page(site, match[1]))
        match = ARTICLE_PATH.match(path)
        if match and match["section"] in SECTIONS and site.is_article(int(match["id"])):
            amp = bool(match["tail"] and match["tail"].startswith("/amp"))
            count("amp" if amp else "article", raw_path)
            return self.article(int(match["id"]), amp, path, match)
        count("other", raw_path)
        match = SHORT_PATH.match(path)
        if match and site.lookup_code(match["code"]):
            return self.redirect(302, site.path(site.lookup_code(match["code"])))
        if path in ("/live", "/live/"):
            return self.send(200, pages.live_page(site))
        if path.rstrip("/") in ("/prg", "/video", "/photolines"):
            return self.send(200, pages.others_index(site, path.strip("/")))
        match = OTHER_PATH.match(path)
        if match:
            other = self.find_other(match["kind"], match["rest"])
            if other:
                return self.send(200, pages.other_page(site, other, amp=bool(match["amp"])))
        return self.not_found()

    def find_other(self, kind: str, rest: str):
        numbers = re.findall(r"\d+", rest)
        for number in numbers:
            other = self.server.site.others.get(int(number))
            if other and other.kind == kind:
                return other
        return None

    def listing(self, match) -> None:
        site = self.server.site
        pairs = match["filter"].split(".")
        criteria = dict(zip(pairs[::2], pairs[1::2], strict=False))
        if "tag" in criteria:
            ids = site.by_tag.get(criteria["tag"])
        elif "trend" in criteria:
            ids = site.trend_listing(criteria["trend"])
        elif "category" in criteria:
            ids = site.by_section.get(criteria["category"])
        elif criteria.get("type") == "News":
            ids = site.ids
        else:
            ids = None
        if ids is None:
            return self.not_found()
        chosen = site.listing(ids, int(match["page"]), min(int(match["limit"]), 50))
        self.send_validated(200, pages.listing_items(site, chosen, criteria.get("category")) if chosen else "")

    # -- articles and their faults --------------------------------------------------------------

    def article(self, article_id: int, amp: bool, path: str, match) -> None:
        site = self.server.site
        entry = site.entries[article_id]
        # An AMP page has no lead to cut after: the truncated fault stays on canonical pages.
        fault = entry.fault or (None if amp else self.server.draw_fault(path, ("truncated",)))
        if self.server.block or fault == "ddos_guard":
            return self.ddos_guard()
        if fault == "gone404":
            return self.not_found(404)
        if self.server.gone or fault == "gone410":
            return self.not_found(410)
        if fault == "error500_once":
            with self.server.stats_lock:
                first = article_id not in self.server.failed_once
                self.server.failed_once.add(article_id)
            if first:
                return self.send(500, "<html><body><h1>500 Internal Server Error</h1></body></html>")
        if fault in ("redirect_chain", "redirect_loop"):
            is_news_form = match["section"] == "news" and not match["slug"] and entry.section != "news"
            if fault == "redirect_loop":
                return self.redirect(301, site.path(article_id) if is_news_form else f"/news/{article_id}")
            if is_news_form:
                return self.redirect(302, site.path(article_id) + "?hop=2")
            if "hop" not in self.query:
                return self.redirect(301, f"/news/{article_id}")
        if fault == "slow":
            time.sleep(site.slow_delay)
        drift = site.layout_drift
        if fault == "charset_cp1256_body":
            html = pages.article_page(site, article_id, amp=amp, drift=drift, charset="windows-1256")
            return self.send(200, html.encode("windows-1256", errors="xmlcharrefreplace"), "text/html")
        html = pages.article_page(site, article_id, amp=amp, drift=drift)
        if fault == "charset_header_cp1256":
            return self.send(200, html, "text/html; charset=windows-1256")
        if fault == "charset_header_latin1":
            return self.send(200, html, "text/html; charset=iso-8859-1")
        if fault == "truncated":
            intro = html.find('class="intro"')  # a drift page has no p.intro: cut after its title
            cut = html.index("</p>", intro) + 40 if intro >= 0 else html.index("</h1>") + 40
            return self.send(200, html[:cut])
        if fault == "dataloss":
            data = html.encode("utf-8")
            return self.send(200, data[: len(data) // 2], length=len(data))
        self.send(200, html)

    # -- control --------------------------------------------------------------------------------

    def _arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def control(self, command: str) -> None:
        site = self.server.site
        if command == "stats":
            return self.json(self.server.stats())
        if command == "reset-stats":
            self.server.reset_stats()
            return self.json({"ok": True})
        if command == "truth.json":
            with site.lock:
                return self.json(site.truth_document())
        if command == "truth":
            article_id = int(self._arg("id", "0"))
            if not site.is_article(article_id):
                return self.json({"error": "unknown id"}, 404)
            return self.json(site.truth(article_id) | {"replica": site.details(article_id)})
        if command == "publish":
            return self.json({"ids": site.publish(int(self._arg("n", "1")))})
        if command in ("edit", "republish"):
            article_id = int(self._arg("id", "0"))
            if not site.is_article(article_id):
                return self.json({"error": "unknown id"}, 404)
            if command == "edit":
                return self.json(site.edit(article_id))
            return self.json({"id": site.republish(article_id)})
        if command == "drift":
            site.set_drift(self._arg("on", "1") == "1")
            return self.json({"layout_drift": site.layout_drift})
        if command == "block":
            self.server.block = self._arg("on", "1") == "1"
            return self.json({"block": self.server.block})
        if command == "gone":
            self.server.gone = self._arg("on", "1") == "1"
            return self.json({"gone": self.server.gone})
        return self.json({"error": f"unknown command {command}"}, 404)


def serve(site: Site, host: str = "127.0.0.1", port: int = 0, *, delay: float = 0.0,
          block: bool = False, **faults) -> ReplicaServer:
    """Bind (port 0 = any free port) and set ``site.base_url``; call ``serve_forever()`` next.

    ``faults``: ``fault_rates``, ``fault_seed``, ``timeout_delay`` (see the module docstring);
    ``handler``: a ``ReplicaHandler`` subclass to answer instead.
    """
    server = ReplicaServer((host, port), site, delay=delay, block=block, **faults)
    site.base_url = server.base_url
    return server


@contextmanager
def running(site: Site, host: str = "127.0.0.1", port: int = 0, **options) -> Iterator[ReplicaServer]:
    """``serve(site, host, port, **options)`` from a thread of this process while the block runs.

    Yields the server (``server.base_url``, ``server.stats()``); shuts it down and closes it after.
    """
    server = serve(site, host, port, **options)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
