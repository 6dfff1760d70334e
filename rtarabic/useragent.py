"""The crawler's User-Agent, naming who to contact (``RTARABIC_CONTACT``).

An add-on rather than a value computed in settings.py: settings.py is read
before ``-s`` overrides, so ``-s RTARABIC_CONTACT=mailto:ops@example.org``
would otherwise never reach the User-Agent. An explicit ``USER_AGENT`` given
with ``-s`` (or by a spider) still wins.
"""

from rtarabic import __version__


def user_agent(contact: str) -> str:
    """The User-Agent sent to the site.

    >>> user_agent("mailto:ops@example.org")
    'rtarabic/1.0 (news archiver; +mailto:ops@example.org)'
    """
    return f"rtarabic/{__version__} (news archiver; +{contact})"


class ContactUserAgent:
    """Add-on: ``USER_AGENT`` from ``RTARABIC_CONTACT``, unless ``USER_AGENT`` was set explicitly."""

    def update_settings(self, settings) -> None:
        settings.set("USER_AGENT", user_agent(settings["RTARABIC_CONTACT"]), priority="addon")
