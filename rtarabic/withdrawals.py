"""Withdrawn articles: an article page that answers 404 or 410.

``WithdrawalMiddleware`` (a downloader middleware, ``DOWNLOADER_MIDDLEWARES`` 630) sends the
``rtarabic.signals.article_withdrawn`` signal for each such response; the SQLite feed storage writes
it with its next batch, and the archive gives an archived article ``withdrawn_at`` (the row stays;
a later 200 clears it, see ``rtarabic.archive``). Revisits (``RTARABIC_REVISIT_HOURS``), id-range
backfills (``-a ids=``) and ``-a urls=`` runs are what fetch archived articles again. README: "Withdrawn articles".
"""


from rtarabic import urls as grammar
from rtarabic.dates import utc_now
from rtarabic.signals import article_withdrawn

#: Statuses that say an article is gone.
GONE_STATUSES = (404, 410)


def withdrawn_id(url: str, status: int, meta: dict, base_url: str) -> int | None:
    """The article id a response says is gone, else None.

    >>> withdrawn_id("https://arabic.rt.com/world/1500000-x/", 410, {}, "https://arabic.rt.com")
    1500000
    >>> withdrawn_id("https://arabic.rt.com/world/", 404, {}, "https://arabic.rt.com") is None
    True
    """
    if status not in GONE_STATUSES:
        return None
    article_id = meta.get("article_id")
    return article_id if article_id is not None else grammar.article_id(url, base_url)


class WithdrawalMiddleware:
    """Downloader middleware: signals ``article_withdrawn`` for an article page answering 404/410.

    Stats: ``rtarabic/withdrawn/seen``.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.base_url = crawler.settings.get("RTARABIC_BASE_URL").rstrip("/")

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response):
        article_id = withdrawn_id(request.url, response.status, request.meta, self.base_url)
        if article_id is not None:
            self.crawler.stats.inc_value("rtarabic/withdrawn/seen")
            seen_at = utc_now()
            self.crawler.signals.send_catch_log(signal=article_withdrawn, article_id=article_id,
                                                status=response.status, url=request.url, seen_at=seen_at)
        return response
