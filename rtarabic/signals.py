"""Signals of our own, sent through ``crawler.signals`` like Scrapy's."""

#: A republished copy of an archived article was found.
#: Arguments: ``article_id`` (int, the article kept), ``alias`` (str, the other id or URL), ``kind`` ("id" or "url").
article_alias = object()

#: The SQLite feed storage wrote its last batch; the run's verdict may now close its ``runs`` row.
#: Arguments: ``storage`` (``rtarabic.feeds.SQLiteFeedStorage``; call ``finish_run(row)``).
archive_stored = object()

#: An article page answered 404 or 410: the site withdrew the article (the archive keeps it).
#: Arguments: ``article_id`` (int), ``status`` (int), ``url`` (str), ``seen_at`` (ISO 8601 UTC).
article_withdrawn = object()
