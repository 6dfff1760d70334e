"""Item pipelines: normalise -> strip sidebar headlines -> validate -> deduplicate.

Each class is a thin Scrapy adapter over plain functions (``rtarabic.boilerplate``,
``rtarabic.text``, ``rtarabic.items.schema_errors`` and the two below). Drops are
``DropItem`` subclasses; Scrapy counts them as
``item_dropped_reasons_count/<ClassName>``. The order is set in
``ITEM_PIPELINES`` (settings.py).
"""

import logging

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem, NotConfigured

from rtarabic import signals
from rtarabic.boilerplate import normalize_article, strip_body
from rtarabic.items import EXPORT_FIELDS, schema_errors
from rtarabic.text import content_hash, word_count

logger = logging.getLogger(__name__)

#: Fields without which an item is not worth storing.
REQUIRED_FIELDS = ("id", "url", "title", "body", "published")


class MissingField(DropItem):
    """The item lacks one of REQUIRED_FIELDS."""


class InvalidArticle(DropItem):
    """The item breaks the article JSON Schema."""


class DuplicateArticle(DropItem):
    """This article id was already stored in this run."""


class RepublishedArticle(DropItem):
    """The same text was already stored under another id; that id is recorded as an alias."""


def missing_fields(article: dict) -> list[str]:
    """REQUIRED_FIELDS that are absent or empty in ``article``.

    >>> missing_fields({"id": 1, "url": "u", "title": "t", "body": "", "published": None})
    ['body', 'published']
    """
    return [name for name in REQUIRED_FIELDS if article.get(name) in (None, "", [])]


def exported(article: dict) -> dict:
    """The exported fields of ``article`` (what the schema describes)."""
    return {name: article.get(name) for name in EXPORT_FIELDS}


class Deduplicator:
    """Remembers article ids and content hashes seen in a run (and, optionally, in the archive).

    >>> d = Deduplicator({"h0": 7})
    >>> d.check(1, "h1"), d.check(1, "h1"), d.check(2, "h1"), d.check(3, "h0")
    ((None, None), ('duplicate', 1), ('republished', 1), ('republished', 7))
    """

    def __init__(self, known_hashes: dict[str, int] | None = None):
        self.ids: set[int] = set()
        self.hashes: dict[str, int] = dict(known_hashes or {})

    def check(self, article_id: int, digest: str) -> tuple[str | None, int | None]:
        """``(verdict, kept_id)``: verdict None (new, now remembered), "duplicate" or "republished"."""
        if article_id in self.ids:
            return "duplicate", article_id
        kept = self.hashes.get(digest)
        if kept is not None and kept != article_id:
            return "republished", kept
        self.ids.add(article_id)
        self.hashes.setdefault(digest, article_id)
        return None, None


class NormalizeTextPipeline:
    """Whitespace, NBSP and zero-width characters out of every text field; letters as published."""

    @classmethod
    def from_crawler(cls, crawler):
        return cls()

    def process_item(self, item):
        adapter = ItemAdapter(item)
        for name, value in normalize_article(adapter.asdict()).items():
            adapter[name] = value
        return item


class CrawlerPipeline:
    """Base of the pipelines that keep the crawler and count in its stats."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)


class StripSidebarPipeline(CrawlerPipeline):
    """Drops body paragraphs that are other articles' headlines or page furniture; recounts and rehashes."""

    def process_item(self, item):
        adapter = ItemAdapter(item)
        image = adapter.get("image") or {}
        body, removed = strip_body(
            adapter.get("body"),
            headlines=adapter.get("page_headlines") or [],
            title=adapter.get("title"),
            summary=adapter.get("summary"),
            caption=image.get("caption"),
            credit=image.get("credit"),
        )
        if removed:
            self.stats.inc_value("rtarabic/strip/paragraphs_removed", removed)
            self.stats.inc_value("rtarabic/strip/items")
        adapter["body"] = body
        adapter["word_count"] = word_count(adapter.get("summary"), body)
        adapter["content_hash"] = content_hash(adapter.get("title"), body)
        adapter["page_headlines"] = []
        return item


class ValidatePipeline(CrawlerPipeline):
    """Drops items without the essentials (MissingField), then items that break the schema (InvalidArticle)."""

    def process_item(self, item):
        article = ItemAdapter(item).asdict()
        missing = missing_fields(article)
        if missing:
            for name in missing:
                self.stats.inc_value(f"rtarabic/validate/missing/{name}")
            raise MissingField(f"article {article.get('id')} ({article.get('url')}) lacks {', '.join(missing)}")
        errors = schema_errors(exported(article))
        if errors:
            self.stats.inc_value("rtarabic/validate/invalid")
            raise InvalidArticle(f"article {article['id']} ({article['url']}) is invalid: {'; '.join(errors)}")
        return item


class DeduplicatePipeline(CrawlerPipeline):
    """One item per article id per run; the same text under a new id is kept once, the other id an alias.

    At open it reads the archive's content hashes (``RTARABIC_DB``, when the file exists), so a
    republished copy of an archived article is caught too.
    """

    def __init__(self, crawler):
        super().__init__(crawler)
        self.db_path = crawler.settings.get("RTARABIC_DB")
        self.dedup = Deduplicator()

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("RTARABIC_DEDUP_ENABLED", True):
            raise NotConfigured
        return super().from_crawler(crawler)

    def open_spider(self):
        self.dedup = Deduplicator(self._archived_hashes())

    def _archived_hashes(self) -> dict[str, int]:
        from rtarabic.archive import open_existing

        with open_existing(self.db_path) as archive:
            if archive is None:
                return {}
            hashes = archive.known_hashes()
        logger.info("Deduplicating against %(count)d archived articles", {"count": len(hashes)})
        return hashes

    def process_item(self, item):
        adapter = ItemAdapter(item)
        article_id, digest = adapter["id"], adapter["content_hash"]
        verdict, kept = self.dedup.check(article_id, digest)
        if verdict == "duplicate":
            raise DuplicateArticle(f"article {article_id} already stored in this run", log_level="DEBUG")
        if verdict == "republished":
            self.stats.inc_value("rtarabic/dedup/aliases")
            self.crawler.signals.send_catch_log(
                signal=signals.article_alias, article_id=kept, alias=str(article_id), kind="id"
            )
            raise RepublishedArticle(
                f"article {article_id} repeats the text of article {kept}; recorded as its alias", log_level="DEBUG"
            )
        return item
