"""Raw capture: every article page the crawl receives, kept in gzipped WARC files (ISO 28500).

Example: a run started at 09:30 UTC writes ``output/warc/rtarabic-20261201T093000Z-4242-00000.warc.gz``
(then ``-00001`` and so on past ``RTARABIC_WARC_MAX_BYTES``), each file opening with a ``warcinfo``
record, then for each response a ``response`` record and its ``request`` record
(``WARC-Concurrent-To``)::

    .venv/bin/warcio index output/warc/rtarabic-20261201T093000Z-4242-00000.warc.gz

What is written, and how it relates to the bytes on the wire:

- ``WarcCaptureMiddleware`` is a downloader middleware placed (620) between the downloader and Scrapy's
  ``RedirectMiddleware`` (600) and ``HttpCompressionMiddleware`` (590), so it sees every response as it
  arrived: redirects, errors answered by the server (404, 410, 503 before a retry), anti-bot pages, and
  bodies still content-encoded (gzip, br) with their ``Content-Encoding`` header, i.e. the payload bytes the
  server sent. Twisted has already undone the transfer encoding (``chunked``), so that header is dropped
  (and recorded as ``WARC-Rtarabic-Transfer-Encoding``) and the body stored de-chunked, which keeps the record
  readable by every WARC tool. The request record holds the request line and headers as sent
  (``Host`` added, which Twisted writes itself); the record's ``WARC-Date`` is when the response arrived.
- Article pages (``meta["article_id"]``, or a URL ``rtarabic.urls.page_kind`` calls an article or short
  link) are always kept; listings, section and tag pages, feeds, sitemaps and robots.txt only with
  ``RTARABIC_WARC_ALL_PAGES``.
- Each record pair is built in memory and written with one ``write`` to a file opened unbuffered, so a
  process killed at any moment (SIGKILL included) leaves files whose every record is complete
  (``warcio check`` and ``warcio index`` pass).
- The record's file name and offset go into ``request.meta["warc_record"]``; ``WarcRecordMiddleware`` (a
  spider middleware) copies them into the item's ``warc_file``/``warc_offset``, which the archive stores,
  and the file names go into the stat ``rtarabic/warc/files``, which the ``runs`` row keeps.

Settings (defaults in ``rtarabic/settings.py``): ``RTARABIC_WARC_DIR`` (empty: no capture),
``RTARABIC_WARC_MAX_BYTES``, ``RTARABIC_WARC_ALL_PAGES``. Re-extraction from these files is
``rtarabic/replay.py``. README: "Raw pages (WARC)".
"""

import contextlib
import io
import logging
import os
import zlib
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import rtarabic
from rtarabic import health
from rtarabic import urls as grammar

logger = logging.getLogger(__name__)

#: Page kinds (``rtarabic.urls.page_kind``) that are always captured.
ARTICLE_KINDS = ("article", "shortlink")

#: Response headers not written as received (the body is stored without this encoding).
HOP_HEADERS = (b"Transfer-Encoding",)

#: zlib level of each record's gzip member. warcio's own writer uses 9; 6 (zlib's default) stores an RT
#: page about 5% larger in about half the time, and compression is most of what capture costs.
GZIP_LEVEL = 6


def gzip_member(data: bytes) -> bytes:
    """``data`` as one gzip member (a WARC record per member, as ``.warc.gz`` readers expect)."""
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS + 16)
    return compressor.compress(data) + compressor.flush()


def serialize(record) -> bytes:
    """One warcio record, with its digests and length, as a gzip member."""
    writer = WARCWriter(io.BytesIO(), gzip=False)
    writer.write_record(record)
    return gzip_member(writer.out.getvalue())


def warc_date(moment: datetime) -> str:
    """``2026-12-01T09:30:00Z``: a WARC/1.0 date."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def file_name(started: datetime, pid: int, sequence: int) -> str:
    """The name of a run's ``sequence``-th WARC file.

    >>> file_name(datetime(2026, 12, 1, 9, 30, tzinfo=UTC), 4242, 0)
    'rtarabic-20261201T093000Z-4242-00000.warc.gz'
    """
    return f"rtarabic-{started.astimezone(UTC):%Y%m%dT%H%M%SZ}-{pid}-{sequence:05d}.warc.gz"


def is_article_page(url: str, meta: dict, base_url: str) -> bool:
    """Whether a request is for an article page (kept even without ``RTARABIC_WARC_ALL_PAGES``).

    >>> is_article_page("https://arabic.rt.com/news/1500000", {}, "https://arabic.rt.com")
    True
    >>> is_article_page("https://arabic.rt.com/sport/", {}, "https://arabic.rt.com")
    False
    """
    return meta.get("article_id") is not None or grammar.page_kind(url, base_url) in ARTICLE_KINDS


def _text(value: bytes | str) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def _header_list(headers) -> list[tuple[str, str]]:
    """Scrapy ``Headers`` (bytes keys, lists of values) as ``(name, value)`` pairs, repeated names kept."""
    return [(_text(name), _text(value)) for name, values in headers.items() for value in values]


def record_pair(request, response, *, received: datetime) -> bytes:
    """The gzipped ``response`` and ``request`` records of one exchange, ready to append to a WARC file.

    :param request: the Scrapy request (its headers as the downloader sent them)
    :param response: the Scrapy response as it came from the downloader (body still content-encoded)
    :param received: when the response arrived
    """
    writer = WARCWriter(io.BytesIO(), gzip=False)
    date = warc_date(received)
    protocol = response.protocol or "HTTP/1.1"
    status = f"{response.status} {_reason(response.status)}"
    headers = [(n, v) for n, v in _header_list(response.headers) if n.encode("latin-1") not in HOP_HEADERS]
    warc_headers = {"WARC-Date": date}
    dropped = response.headers.getlist(b"Transfer-Encoding")
    if dropped:
        warc_headers["WARC-Rtarabic-Transfer-Encoding"] = ", ".join(_text(v) for v in dropped)
    if response.ip_address is not None:
        warc_headers["WARC-IP-Address"] = str(response.ip_address)
    http_headers = StatusAndHeaders(status, headers, protocol=protocol)
    resp = writer.create_warc_record(request.url, "response", payload=io.BytesIO(response.body),
                                     length=len(response.body), http_headers=http_headers,
                                     warc_headers_dict=warc_headers)
    split = grammar.urlsplit(request.url)
    target = (split.path or "/") + (f"?{split.query}" if split.query else "")
    request_headers = [("Host", split.netloc), *_header_list(request.headers)]
    request_line = StatusAndHeaders(f"{request.method} {target} {protocol}", request_headers, is_http_request=True)
    req = writer.create_warc_record(request.url, "request", payload=io.BytesIO(request.body or b""),
                                    length=len(request.body or b""), http_headers=request_line,
                                    warc_headers_dict={"WARC-Date": date,
                                                       "WARC-Concurrent-To": resp.rec_headers.get_header("WARC-Record-ID")})
    return serialize(resp) + serialize(req)


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


class WarcFiles:
    """A run's WARC files in ``directory``: records appended with one ``write`` each, rotated by size.

    Example::

        files = WarcFiles("output/warc", max_bytes=1_000_000_000, info={"base-url": "https://arabic.rt.com"})
        files.append(record_pair(request, response, received=now))  # ('rtarabic-...-00000.warc.gz', 612)

    :param directory: created if missing
    :param max_bytes: a file that has reached this size is closed and the next record opens a new one
    :param info: fields of each file's ``warcinfo`` record
    """

    def __init__(self, directory: str | Path, *, max_bytes: int, info: dict, started: datetime | None = None):
        self.directory = Path(directory)
        self.max_bytes = max_bytes
        self.info = info
        self.started = started or datetime.now(UTC)
        self.names: list[str] = []
        self.bytes_written = 0
        self._fd: int | None = None
        self._size = 0

    def append(self, data: bytes) -> tuple[str, int]:
        """Appends ``data`` (whole gzipped records); returns the file name and the offset it starts at."""
        if self._fd is None or self._size >= self.max_bytes:
            self._open_next()
        offset = self._size
        self._write(data)
        return self.names[-1], offset

    def _open_next(self) -> None:
        self.close()
        self.directory.mkdir(parents=True, exist_ok=True)
        name = file_name(self.started, os.getpid(), len(self.names))
        # O_APPEND | O_EXCL: never truncate or share a file another run (or a pid reused) wrote.
        self._fd = os.open(self.directory / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o644)
        self._size = 0
        self.names.append(name)
        self._write(serialize(WARCWriter(io.BytesIO()).create_warcinfo_record(name, self.info)))

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        try:
            while view:
                written = os.write(self._fd, view)
                view = view[written:]
        except OSError:
            # A full disk may take part of a record before it fails: cut it off, so the file stays valid WARC.
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, self._size)
            raise
        self._size += len(data)
        self.bytes_written += len(data)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class WarcCaptureMiddleware:
    """Downloader middleware: writes each response received for an article page (or, with
    ``RTARABIC_WARC_ALL_PAGES``, for any page) to the run's WARC files; see the module docstring.

    Stats: ``rtarabic/warc/records``, ``rtarabic/warc/bytes``, ``rtarabic/warc/files`` (the file names),
    ``rtarabic/warc/failed`` (pages that could not be written: the first failure stops the run, exit 5).
    """

    def __init__(self, crawler, directory: str, *, max_bytes: int, all_pages: bool):
        self.crawler = crawler
        self.base_url = crawler.settings.get("RTARABIC_BASE_URL").rstrip("/")
        self.all_pages = all_pages
        info = {
            "software": f"rtarabic/{rtarabic.__version__} (Scrapy)",
            "format": "WARC File Format 1.0",
            "base-url": self.base_url,
            "http-header-user-agent": crawler.settings.get("USER_AGENT"),
            "robots": "obey" if crawler.settings.getbool("ROBOTSTXT_OBEY") else "ignore",
        }
        self.files = WarcFiles(directory, max_bytes=max_bytes, info=info)

    @classmethod
    def from_crawler(cls, crawler):
        directory = crawler.settings.get("RTARABIC_WARC_DIR")
        if not directory:
            raise NotConfigured("RTARABIC_WARC_DIR is empty: fetched pages are not kept")
        middleware = cls(
            crawler,
            directory,
            max_bytes=crawler.settings.getint("RTARABIC_WARC_MAX_BYTES"),
            all_pages=crawler.settings.getbool("RTARABIC_WARC_ALL_PAGES"),
        )
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def process_response(self, request, response):
        if "warc_replay" in request.meta:
            return response  # read from a WARC (re-extraction): already kept
        if self.all_pages or is_article_page(request.url, request.meta, self.base_url):
            self.capture(request, response)
        return response

    def capture(self, request, response) -> None:
        stats = self.crawler.stats
        data = record_pair(request, response, received=datetime.now(UTC))
        try:
            name, offset = self.files.append(data)
        except OSError as error:
            # A full disk must not cost the article as well: the page goes on to the spider, uncaptured.
            # Nothing more is fetched, so that no other page goes unkept; the next run fetches the rest.
            stats.inc_value(health.CAPTURE_FAILED)
            if stats.get_value(health.CAPTURE_ERROR) is None:
                message = f"writing WARC files in {self.files.directory} failed: {error.strerror or error}"
                stats.set_value(health.CAPTURE_ERROR, message)
                logger.error("WARC capture failed; stopping the run: %(message)s", {"message": message})
                health.stop_run(self.crawler, health.CAPTURE_FAILED_REASON)
            return
        request.meta["warc_record"] = (name, offset)
        stats.inc_value("rtarabic/warc/records")
        stats.inc_value("rtarabic/warc/bytes", len(data))
        if stats.get_value("rtarabic/warc/files") != self.files.names:
            stats.set_value("rtarabic/warc/files", list(self.files.names))
            logger.info("Keeping fetched pages in %(path)s", {"path": self.files.directory / name})

    def spider_closed(self, spider=None) -> None:
        self.files.close()


class WarcRecordMiddleware:
    """Spider middleware: the item of a page read from a WARC record names that record.

    It copies ``response.meta["warc_record"]`` (set by ``WarcCaptureMiddleware``, or by the spider
    when it re-extracts from a WARC) into the item's ``warc_file`` and ``warc_offset``.
    """

    @classmethod
    def from_crawler(cls, crawler):
        return cls()

    @staticmethod
    def _mark(response, item):
        record = response.meta.get("warc_record")
        if record is not None and hasattr(item, "warc_file"):
            item.warc_file, item.warc_offset = record
        return item

    def process_spider_output(self, response, result):
        for item in result:
            yield self._mark(response, item)

    async def process_spider_output_async(self, response, result):
        async for item in result:
            yield self._mark(response, item)
