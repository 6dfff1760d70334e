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

#: Stats: articles dropped by validation, per reason under it, and the list naming them.
INVALID = "rtarabic/invalid"
INVALID_ARTICLES = "rtarabic/invalid/articles"

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


def _hash_key(digest: str) -> bytes | str:
    """A content hash as a dict key: its bytes when it is hex (half the memory), else the text."""
    try:
        return bytes.fromhex(digest)
    except ValueError:
        return digest


class Deduplicator:
    """Remembers article ids and content hashes seen in a run, and asks the archive about older ones.

    >>> d = Deduplicator({"h0": 7})
    >>> d.check(1, "h1"), d.check(1, "h1"), d.check(2, "h1"), d.check(3, "h0")
    ((None, None), ('duplicate', 1), ('republished', 1), ('republished', 7))

    :param known_hashes: ``content_hash -> id`` known before the run (besides the archive)
    :param archive: an ``rtarabic.archive.ArchiveLookup``, asked for hashes this run has not seen
    """

    def __init__(self, known_hashes: dict[str, int] | None = None, archive=None):
        self.ids: set[int] = set()
        self.archive = archive
        # This run's hashes (and the archived ones passed in), compact keys. The archive answers
        # for the rest; items not yet committed by the feed storage are found here.
        self.hashes: dict[bytes | str, int] = {_hash_key(h): i for h, i in (known_hashes or {}).items()}

    def _kept_id(self, digest: str) -> int | None:
        kept = self.hashes.get(_hash_key(digest))
        if kept is None and self.archive is not None:
            kept = self.archive.id_for_hash(digest)
        return kept

    def check(self, article_id: int, digest: str) -> tuple[str | None, int | None]:
        """``(verdict, kept_id)``: verdict None (new, now remembered), "duplicate" or "republished"."""
        if article_id in self.ids:
            return "duplicate", article_id
        kept = self._kept_id(digest)
        if kept is not None and kept != article_id:
            return "republished", kept
        if self.archive is not None:
            # An archived article whose text changed: its stored hash leaves the archive when this
            # version is written, yet a copy of the old text is still a republication of it.
            archived = self.archive.hash_for_id(article_id)
            if archived is not None and archived != digest:
                self.hashes.setdefault(_hash_key(archived), article_id)
        self.ids.add(article_id)
        self.hashes.setdefault(_hash_key(digest), article_id)
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
    """Drops items without the essentials (MissingField), then items that break the schema (InvalidArticle).

    Nothing goes in silence: each drop counts ``rtarabic/invalid`` and ``rtarabic/invalid/<reason>``
    (``missing-<field>`` or ``schema-<field>``), and the first ``INVALID_NAMED`` dropped articles are
    named (``<id> <url>: <reason>``) in the ``rtarabic/invalid/articles`` list, which the run summary
    repeats; run health (``RTARABIC_HEALTH_MAX_INVALID``) judges the count.
    """

    #: How many dropped articles the stats name, to keep a run's stats small.
    INVALID_NAMED = 20

    def _count(self, article: dict, reasons: list[str]) -> None:
        self.stats.inc_value(INVALID)
        for reason in reasons:
            self.stats.inc_value(f"{INVALID}/{reason}")
        named = self.stats.get_value(INVALID_ARTICLES) or []
        if len(named) < self.INVALID_NAMED:
            self.stats.set_value(INVALID_ARTICLES,
                                 [*named, f"{article.get('id')} {article.get('url')}: {', '.join(reasons)}"])

    def process_item(self, item):
        article = ItemAdapter(item).asdict()
        missing = missing_fields(article)
        if missing:
            for name in missing:
                self.stats.inc_value(f"rtarabic/validate/missing/{name}")
            self._count(article, [f"missing-{name}" for name in missing])
            raise MissingField(f"article {article.get('id')} ({article.get('url')}) lacks {', '.join(missing)}")
        errors = schema_errors(exported(article))
        if errors:
            self.stats.inc_value("rtarabic/validate/invalid")
            fields = dict.fromkeys(e.split(":", 1)[0] if ": " in e else "item" for e in errors)
            self._count(article, [f"schema-{name}" for name in fields])
            raise InvalidArticle(f"article {article['id']} ({article['url']}) is invalid: {'; '.join(errors)}")
        return item


class DeduplicatePipeline(CrawlerPipeline):
    """One item per article id per run; the same text under a new id is kept once, the other id an alias.

    It asks the archive (``RTARABIC_DB``, when the file exists at open) for hashes this run has not
    seen, so a republished copy of an archived article is caught too.
    """

    def __init__(self, crawler):
        super().__init__(crawler)
        self.db_path = crawler.settings.get("RTARABIC_DB")
        self.dedup = Deduplicator()
        self.lookup = None

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("RTARABIC_DEDUP_ENABLED", True):
            raise NotConfigured
        return super().from_crawler(crawler)

    def open_spider(self):
        from rtarabic.archive import open_lookup

        self.lookup = open_lookup(self.db_path)
        if self.lookup is not None:
            logger.info("Deduplicating against the archive %(path)s", {"path": self.db_path})
        self.dedup = Deduplicator(archive=self.lookup)

    def close_spider(self):
        if self.lookup is not None:
            self.lookup.close()
            self.lookup = None

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
