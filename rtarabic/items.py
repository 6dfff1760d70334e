"""The article item: one exact copy of one RT Arabic article.

Field names are those of the JSON Lines files and of the archive's ``articles``
table. ``rtarabic/schema/article.json`` is the item's JSON Schema; every stored
item validates against it (see ``validate_article``).
"""

import json
from dataclasses import dataclass, field, fields
from functools import cache
from importlib import resources


@dataclass
class ArticleItem:
    id: int
    url: str
    section: str
    section_name: str | None
    title: str
    summary: str | None
    body: str
    source: str | None
    published: str
    modified: str | None
    author: str | None
    tags: list[dict] = field(default_factory=list)
    image: dict | None = None
    links: list[str] = field(default_factory=list)
    word_count: int = 0
    language: str = "ar"
    content_hash: str = ""
    crawled_at: str = ""
    # How the article was read: the name of the layout row that matched (``classic``, ``current``,
    # ``main_article``, ``amp``), or ``generic`` for a page no row knows (rtarabic.extract).
    extraction: str | None = None
    # Headlines of other articles linked from the same page (header, story
    # lists, sidebars, read-more cards). Consumed by the sidebar-stripping
    # pipeline; never exported.
    page_headlines: list[str] = field(default_factory=list, repr=False)
    # The WARC record the page was read from (rtarabic.capture): file name and byte offset. Stored in
    # the archive's columns of the same names; not in the JSON Lines files.
    warc_file: str | None = None
    warc_offset: int | None = None


#: Fields that are not the article's own: kept out of the feeds' JSON.
INTERNAL_FIELDS = ("page_headlines", "warc_file", "warc_offset")

#: What the feeds and the archive store, in order.
EXPORT_FIELDS = [f.name for f in fields(ArticleItem) if f.name not in INTERNAL_FIELDS]


@cache
def article_schema() -> dict:
    """The JSON Schema of an exported article."""
    text = resources.files("rtarabic.schema").joinpath("article.json").read_text("utf-8")
    return json.loads(text)


@cache
def _validator():
    import jsonschema

    return jsonschema.Draft202012Validator(article_schema(), format_checker=jsonschema.FormatChecker())


def schema_errors(article: dict) -> list[str]:
    """Every way ``article`` breaks the schema, as readable messages (empty when valid).

    >>> schema_errors({"id": 1})[:1]
    ["'url' is a required property"]
    """
    return [
        (f"{'/'.join(map(str, e.absolute_path))}: " if e.absolute_path else "") + e.message
        for e in sorted(_validator().iter_errors(article), key=lambda e: list(e.absolute_path))
    ]
