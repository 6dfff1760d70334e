"""Re-extraction: stored article pages read back from WARC files, through the crawl's own code.

``scrapy crawl rtarabic -a warc=PATH`` (a ``.warc.gz``/``.warc`` file, or a folder of them) makes the
spider request, in file order, the article pages the files hold (``article_records``); the
``WarcReplayMiddleware`` downloader middleware, first in the chain, answers each request with its stored
response (``stored_response``), and answers any other request (robots.txt, a retry, a link) with
``IgnoreRequest``: nothing reaches the network. The stored response then passes every other downloader
middleware's ``process_response`` (decompression included), the spider's article callback, the item
pipelines and the feeds, exactly as in a crawl.

Only ``200`` responses are read, one per article id: the newest (by ``WARC-Date``, then file order:
files sorted by name, which starts with the run's time, then position), so a folder of several runs
re-extracts each article from its newest capture. The base URL must be the one the pages were crawled from (``RTARABIC_BASE_URL``):
records of other hosts are skipped and counted. A file that cannot be read to its end (not a WARC, cut
short by another tool) gives the records before the damage, with one error line. README: "Raw pages (WARC)".
"""

import itertools
import logging
import zlib
from dataclasses import dataclass
from pathlib import Path

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from rtarabic import urls as grammar

logger = logging.getLogger(__name__)

#: File names read from a folder.
WARC_SUFFIXES = (".warc.gz", ".warc")


@dataclass(frozen=True)
class StoredPage:
    """Where an article page is stored: ``path`` and ``offset`` of its response record, captured at ``date``."""

    url: str
    article_id: int
    path: Path
    offset: int
    date: str = ""


def warc_paths(path: str | Path) -> list[Path]:
    """The WARC files named by ``path``: the file itself, or the ``*.warc.gz``/``*.warc`` files of a folder, by name.

    :raises ValueError: when there is no such file, or the folder holds none
    """
    path = Path(path)
    if path.is_dir():
        found = sorted(p for p in path.iterdir() if p.is_file() and p.name.endswith(WARC_SUFFIXES))
        if not found:
            raise ValueError(f"no WARC files (*.warc.gz, *.warc) in {path}")
        return found
    if not path.is_file():
        raise ValueError(f"no such WARC file or folder: {path}")
    return [path]


def article_records(paths: list[Path], base_url: str, *, skipped: dict | None = None) -> list[StoredPage]:
    """The article pages stored in ``paths``: the newest ``200`` response of each article id, oldest first.

    :param paths: WARC files, in the order they were written
    :param base_url: the crawled site; pages of other hosts are skipped
    :param skipped: if given, counts what was passed over, by reason (``not_200``, ``not_article``, ``older``,
        ``unreadable``: files with damage)
    """
    skipped = {} if skipped is None else skipped
    latest: dict[int, tuple[tuple, StoredPage]] = {}
    position = itertools.count()
    for path in paths:
        try:
            for page, reason in _responses(path, base_url):
                if reason:
                    skipped[reason] = skipped.get(reason, 0) + 1
                    continue
                key = (page.date, next(position))
                if page.article_id in latest:
                    skipped["older"] = skipped.get("older", 0) + 1
                    if latest[page.article_id][0] > key:
                        continue
                latest[page.article_id] = (key, page)
        except (ArchiveLoadFailed, EOFError, OSError, zlib.error) as error:
            skipped["unreadable"] = skipped.get("unreadable", 0) + 1
            logger.error("%(path)s cannot be read to its end (%(error)s); using the records before the damage",
                         {"path": path, "error": error})
    return [page for _, page in sorted(latest.values(), key=lambda entry: entry[0])]


def _responses(path: Path, base_url: str):
    """``(StoredPage, None)`` for each 200 article response of ``path``, ``(None, reason)`` for the others."""
    with open(path, "rb") as stream:
        iterator = ArchiveIterator(stream)
        for record in iterator:
            if record.rec_type != "response":
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            status = record.http_headers.get_statuscode() if record.http_headers else None
            article_id = grammar.article_id(url, base_url) if url else None
            if status != "200":
                yield None, "not_200"
            elif article_id is None:
                yield None, "not_article"
            else:
                date = record.rec_headers.get_header("WARC-Date") or ""
                yield StoredPage(url, article_id, path, iterator.get_record_offset(), date), None


def stored_response(path: str | Path, offset: int, request):
    """The Scrapy response stored in the response record at ``offset`` of ``path``, for ``request``.

    The body is the record's payload as the server sent it (content-encoded if it was), with its
    headers, so Scrapy's own middlewares decode it as they did in the crawl.
    """
    with open(path, "rb") as stream:
        stream.seek(offset)
        record = next(iter(ArchiveIterator(stream)))
        if record.rec_type != "response" or record.http_headers is None:
            raise ValueError(f"{path} at {offset}: a {record.rec_type} record, not a response")
        body = record.raw_stream.read()
    http = record.http_headers
    headers = Headers()
    for name, value in http.headers:
        headers.appendlist(name, value)
    url = record.rec_headers.get_header("WARC-Target-URI")
    cls = responsetypes.from_args(headers=headers, url=url, body=body)
    return cls(url=url, status=int(http.get_statuscode()), headers=headers, body=body, request=request,
               protocol=http.protocol or None)


class WarcReplayMiddleware:
    """Downloader middleware (first in the chain): in a re-extraction run, the stored response of
    each request (``meta["warc_replay"] = (path, offset)``), and ``IgnoreRequest`` for any other;
    inactive in a crawl.

    Stats: ``rtarabic/warc/replayed``, ``rtarabic/warc/not_in_warc``.
    """

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _replaying(self) -> bool:
        args = getattr(self.crawler.spider, "args", None)
        return bool(getattr(args, "warc", None))

    def process_request(self, request):
        if not self._replaying():
            return None
        stored = request.meta.get("warc_replay")
        if stored is None:
            self.crawler.stats.inc_value("rtarabic/warc/not_in_warc")
            logger.debug("Not fetched in a re-extraction run: %(url)s", {"url": request.url})
            raise IgnoreRequest(f"re-extraction from WARC files: {request.url} is not fetched")
        self.crawler.stats.inc_value("rtarabic/warc/replayed")
        return stored_response(*stored, request)
