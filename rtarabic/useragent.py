"""The crawler's User-Agent, naming who to contact (``RTARABIC_CONTACT``).

An add-on rather than a value computed in settings.py: settings.py is read
before ``-s`` overrides, so ``-s RTARABIC_CONTACT=mailto:ops@example.org``
would otherwise never reach the User-Agent. An explicit ``USER_AGENT`` given
with ``-s`` (or by a spider) still wins.

The project has no public address of its own to put there: until the operator
sets ``RTARABIC_CONTACT``, the User-Agent names the project and says that no
contact was given, and a crawl of the live site warns once at its start.
"""

import logging
from urllib.parse import urlsplit

from scrapy import signals

from rtarabic import __version__
from rtarabic.urls import LIVE_HOST

logger = logging.getLogger(__name__)


def user_agent(contact: str | None) -> str:
    """The User-Agent sent to the site.

    >>> user_agent("mailto:ops@example.org")
    'rtarabic/1.0 (news archiver; +mailto:ops@example.org)'
    >>> user_agent("")
    'rtarabic/1.0 (news archiver; no contact set: RTARABIC_CONTACT)'
    """
    contact = (contact or "").strip()
    return f"rtarabic/{__version__} (news archiver; {f'+{contact}' if contact else 'no contact set: RTARABIC_CONTACT'})"


def needs_contact(settings) -> bool:
    """Whether this is a crawl of the live site with neither a contact nor a User-Agent of the operator's own.

    >>> needs_contact({"RTARABIC_BASE_URL": "https://arabic.rt.com", "RTARABIC_CONTACT": ""})
    True
    >>> needs_contact({"RTARABIC_BASE_URL": "http://127.0.0.1:8000", "RTARABIC_CONTACT": ""})
    False
    """
    live = urlsplit(settings.get("RTARABIC_BASE_URL") or "").hostname == LIVE_HOST
    return live and not (settings.get("RTARABIC_CONTACT") or "").strip()


class ContactUserAgent:
    """Add-on: ``USER_AGENT`` from ``RTARABIC_CONTACT``, unless ``USER_AGENT`` was set explicitly."""

    def __init__(self, crawler=None):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        addon = cls(crawler)
        # The add-on manager keeps the instance, so the (weakly referenced) handler stays connected.
        crawler.signals.connect(addon.spider_opened, signal=signals.spider_opened)
        return addon

    def update_settings(self, settings) -> None:
        settings.set("USER_AGENT", user_agent(settings["RTARABIC_CONTACT"]), priority="addon")

    def spider_opened(self, spider=None) -> None:
        settings = self.crawler.settings
        # An operator's own USER_AGENT (-s USER_AGENT=...) says who they are: no warning then.
        if needs_contact(settings) and settings.get("USER_AGENT") == user_agent(""):
            logger.warning(
                "RTARABIC_CONTACT is not set: the site cannot tell who runs this crawler. Set an address "
                "it can reach you at, e.g. -s RTARABIC_CONTACT=mailto:you@example.org (User-Agent now %(ua)r)",
                {"ua": settings.get("USER_AGENT")},
            )
