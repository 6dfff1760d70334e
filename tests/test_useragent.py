"""The User-Agent add-on: no made-up contact, one warning when a live crawl runs without one."""

import logging

import pytest
from scrapy import signals
from scrapy.settings import BaseSettings
from scrapy.utils.test import get_crawler

from rtarabic import settings as project
from rtarabic.useragent import ContactUserAgent, user_agent


def crawler_with(**overrides):
    """A crawler of the project's settings and ``overrides``, with the add-on applied as Scrapy applies it."""
    settings = BaseSettings({"RTARABIC_CONTACT": project.RTARABIC_CONTACT, **overrides}, priority="project")
    ContactUserAgent().update_settings(settings)
    crawler = get_crawler(settings_dict=settings.copy_to_dict())
    addon = ContactUserAgent.from_crawler(crawler)
    crawler.addon = addon  # kept alive like the add-on manager keeps it: the signal holds a weak reference
    return crawler


def warnings_at_open(crawler, caplog) -> list[str]:
    with caplog.at_level(logging.WARNING, logger="rtarabic.useragent"):
        crawler.signals.send_catch_log(signals.spider_opened, spider=None)
    return [r.getMessage() for r in caplog.records if r.name == "rtarabic.useragent"]


def test_the_default_user_agent_names_the_project_and_no_invented_address():
    crawler = crawler_with(RTARABIC_BASE_URL="http://127.0.0.1:9")
    assert crawler.settings["USER_AGENT"] == "rtarabic/1.0 (news archiver; no contact set: RTARABIC_CONTACT)"
    assert "http" not in crawler.settings["USER_AGENT"]


@pytest.mark.parametrize(
    ("overrides", "warned"),
    [
        ({"RTARABIC_BASE_URL": "https://arabic.rt.com"}, 1),
        ({"RTARABIC_BASE_URL": "https://arabic.rt.com", "RTARABIC_CONTACT": "mailto:ops@example.org"}, 0),
        ({"RTARABIC_BASE_URL": "https://arabic.rt.com", "USER_AGENT": "ours/1 (+mailto:ops@example.org)"}, 0),
        ({"RTARABIC_BASE_URL": "http://127.0.0.1:9"}, 0),  # the replica: nobody to tell
    ],
)
def test_a_live_crawl_without_contact_warns_once(overrides, warned, caplog):
    messages = warnings_at_open(crawler_with(**overrides), caplog)
    assert len(messages) == warned
    if warned:
        assert "RTARABIC_CONTACT is not set" in messages[0]
        assert user_agent("") in messages[0]
