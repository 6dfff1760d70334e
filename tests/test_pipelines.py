"""Item pipelines: normalise, strip sidebar headlines, validate, deduplicate."""

import doctest
import sqlite3

import pytest
from scrapy.utils.test import get_crawler

from rtarabic import boilerplate, pipelines, signals
from rtarabic.items import ArticleItem
from rtarabic.pipelines import (
    DeduplicatePipeline,
    DuplicateArticle,
    InvalidArticle,
    MissingField,
    NormalizeTextPipeline,
    RepublishedArticle,
    StripSidebarPipeline,
    ValidatePipeline,
)
from rtarabic.text import content_hash, word_count

OWN = [
    "وأعلن الرئيس الأمريكي دونالد ترامب عبر حسابه عن إجرائه محادثة هاتفية مثمرة للغاية.",
    # Quotes another article's headline inside a sentence: stays.
    'وكانت الوكالة قد نشرت تقريرا بعنوان "الجيش السوري: قسد دخلت مرحلة جديدة من التصعيد" أمس.',
    "واتفق الرئيسان على عقد اجتماع لمستشاريهما رفيعي المستوى الأسبوع المقبل.",
]
HEADLINES = [
    'الجيش السوري: "قسد" دخلت مرحلة جديدة من التصعيد العسكري ضد الشعب السوري',
    'سوريا.. اتفاق لوقف إطلاق النار وإجلاء مقاتلي "قسد" وحل أزمة حلب (فيديو)',
]
FURNITURE = [
    "البيت الأبيض: محادثة ترامب وبوتين كانت بناءة",  # caption = title
    "AP",  # credit
    "إقرأ المزيد مقتل 3 أشخاص في هجوم على حافلة",
    "اقرأ أيضا: ترامب يهنئ بوتين",
    "اقرأ أيضاً ترامب يهنئ بوتين",
    "انسخ الرابط",
    "انسخ الرابط https://ar.rt.com/xu3w",
    "https://ar.rt.com/xu3w",
    "https://ar.rt.com/1a9z/",  # short-link codes are any 4 base-36 characters
    "شاهد الفيديو",
    "شاهد أيضا: ترامب يهنئ بوتين",
    "إعلان",  # an ad slot's label
    "التعليقات",
    'اختر "الشخصية القيادية العربية الأكثر تأثيرا عام 2025"!',
    "هذا الموقع يستخدم ملفات تعريف الارتباط .بامكانك قراءة شروط الاستخدام لتفعيل هذه الخاصية اضغط هنا",
    "RT STORIES",
    "#اسأل_أكثر #Question_MoreRT STORIES",
    "تابعوا RT على",
    # Headlines, with spacing and punctuation that differ from the list above.
    "الجيش السوري: «قسد» دخلت مرحلة جديدة من التصعيد العسكري ضد الشعب السوري.",
    'سوريا..  اتفاق لوقف إطلاق النار وإجلاء مقاتلي "قسد" وحل أزمة حلب (فيديو)',
    "المصدر: RT",
]


def make_article(**overrides) -> ArticleItem:
    fields = dict(
        id=1721790,
        url="https://arabic.rt.com/world/1721790-%D8%A8/",
        section="world",
        section_name="العالم",
        title="البيت الأبيض: محادثة ترامب وبوتين كانت بناءة",
        summary="أعلن البيت الأبيض أن المحادثة كانت جيدة وبناءة للغاية.",
        body="\n\n".join(OWN),
        source="RT",
        published="2025-10-16T19:04:00+00:00",
        modified=None,
        author=None,
        tags=[{"name": "دونالد ترامب", "slug": "Donald_Trump"}],
        image={"url": "https://cdni.rt.com/media/pics/2025.10/original/68f1.jpg",
               "caption": "البيت الأبيض: محادثة ترامب وبوتين كانت بناءة", "credit": "AP"},
        links=[],
        crawled_at="2025-10-16T20:00:00+00:00",
        extraction="current",
        page_headlines=list(HEADLINES),
    )
    fields.update(overrides)
    article = ArticleItem(**fields)
    article.word_count = word_count(article.summary, article.body)
    article.content_hash = content_hash(article.title, article.body)
    return article


@pytest.fixture
def crawler(tmp_path):
    crawler = get_crawler(settings_dict={"RTARABIC_DB": str(tmp_path / "absent.db")})
    return crawler


def stats(crawler, key):
    return crawler.stats.get_value(key)


@pytest.mark.parametrize("module", [boilerplate, pipelines])
def test_doctests(module):
    assert doctest.testmod(module).failed == 0


@pytest.mark.parametrize("paragraph", FURNITURE)
def test_strip_removes_each_kind_of_furniture(paragraph):
    body = "\n\n".join([OWN[0], paragraph, OWN[1], OWN[2]])
    stripped, removed = boilerplate.strip_body(
        body, headlines=HEADLINES, title=make_article().title, caption=make_article().title, credit="AP"
    )
    assert (stripped, removed) == ("\n\n".join(OWN), 1)


def test_strip_keeps_every_own_paragraph():
    body = "\n\n".join(OWN)
    assert boilerplate.strip_body(body, headlines=HEADLINES, credit="AP") == (body, 0)


def test_strip_pipeline_recounts_rehashes_and_clears_headlines(crawler):
    dirty = "\n\n".join([FURNITURE[2], OWN[0], HEADLINES[0], OWN[1], "التعليقات", OWN[2], HEADLINES[1]])
    item = make_article(body=dirty, word_count=0)
    clean = make_article()
    result = StripSidebarPipeline.from_crawler(crawler).process_item(item)
    assert result.body == clean.body
    assert result.word_count == clean.word_count
    assert result.content_hash == clean.content_hash
    assert result.page_headlines == []
    assert stats(crawler, "rtarabic/strip/paragraphs_removed") == 4


def test_normalize_pipeline_removes_invisible_characters_keeps_letters(crawler):
    item = make_article(
        title="\u00a0البيت\u200b الأبيض:  محادثة\u200f ترامب وبوتين كانت بناءة ",
        summary="\u200b",
        body="  أ\u00a0ب \n\n\n\n\u200cإِنَّ ة ى أ  ",
        tags=[{"name": " دونالد\u00a0ترامب ", "slug": "Donald_Trump"}],
    )
    result = NormalizeTextPipeline.from_crawler(crawler).process_item(item)
    assert result.title == "البيت الأبيض: محادثة ترامب وبوتين كانت بناءة"
    assert result.summary is None
    assert result.body == "أ ب\n\nإِنَّ ة ى أ"
    assert result.tags == [{"name": "دونالد ترامب", "slug": "Donald_Trump"}]


@pytest.mark.parametrize("field", ["id", "url", "title", "body", "published"])
def test_validate_drops_item_without_essential_field(crawler, field):
    item = make_article(**{field: None if field in ("id", "published") else ""})
    with pytest.raises(MissingField, match=field):
        ValidatePipeline.from_crawler(crawler).process_item(item)
    assert stats(crawler, f"rtarabic/validate/missing/{field}") == 1


def test_validate_drops_item_that_breaks_the_schema(crawler):
    item = make_article(published="16/10/2025")
    with pytest.raises(InvalidArticle, match="published"):
        ValidatePipeline.from_crawler(crawler).process_item(item)


def test_validation_drops_are_counted_and_named(crawler):
    pipeline = ValidatePipeline.from_crawler(crawler)
    with pytest.raises(MissingField):
        pipeline.process_item(make_article(body=""))
    with pytest.raises(InvalidArticle):
        pipeline.process_item(make_article(id=7, url="https://arabic.rt.com/world/x/"))
    assert stats(crawler, "rtarabic/invalid") == 2
    assert stats(crawler, "rtarabic/invalid/missing-body") == 1
    assert stats(crawler, "rtarabic/invalid/schema-url") == 1
    assert stats(crawler, "rtarabic/invalid/articles") == [
        "1721790 https://arabic.rt.com/world/1721790-%D8%A8/: missing-body",
        "7 https://arabic.rt.com/world/x/: schema-url",
    ]


def test_strip_keeps_a_paragraph_that_repeats_the_lead():
    lead = make_article().summary
    body = "\n\n".join([lead, *OWN])
    assert boilerplate.strip_body(body, summary=lead, title=make_article().title) == (body, 0)


@pytest.mark.parametrize("url", ["https://arabic.rt.com/news/714213", "https://arabic.rt.com/world/1721790-%D8%A8/"])
def test_validate_accepts_every_canonical_url_form(crawler, url):
    item = make_article(url=url)
    assert ValidatePipeline.from_crawler(crawler).process_item(item) is item


def test_validate_passes_a_valid_item(crawler):
    item = make_article()
    assert ValidatePipeline.from_crawler(crawler).process_item(item) is item


def test_dedup_one_item_per_id_and_aliases_for_republished_text(crawler):
    aliases = []

    def on_alias(article_id, alias, kind):
        aliases.append((article_id, alias, kind))

    crawler.signals.connect(on_alias, signal=signals.article_alias)
    pipeline = DeduplicatePipeline.from_crawler(crawler)
    pipeline.open_spider()
    first = make_article()
    assert pipeline.process_item(first) is first
    with pytest.raises(DuplicateArticle) as duplicate:
        pipeline.process_item(make_article(url="https://arabic.rt.com/news/1721790"))
    assert duplicate.value.log_level == "DEBUG"
    with pytest.raises(RepublishedArticle):
        pipeline.process_item(make_article(id=1800000, url="https://arabic.rt.com/world/1800000-x/"))
    assert aliases == [(1721790, "1800000", "id")]
    other = make_article(id=1800001, body=OWN[0])
    assert pipeline.process_item(other) is other


def test_dedup_catches_republished_copy_of_an_archived_article(tmp_path):
    """A republished copy of an article already in the archive becomes an alias of it."""
    archive_module = pytest.importorskip("rtarabic.archive")
    db = tmp_path / "archive.db"
    archived = make_article(id=1600000, url="https://arabic.rt.com/world/1600000-x/")
    archive = archive_module.Archive(str(db))
    archive.upsert_articles([pipelines.exported(archived.__dict__)])
    assert sqlite3.connect(db).execute("select count(*) from articles").fetchone() == (1,)
    crawler = get_crawler(settings_dict={"RTARABIC_DB": str(db)})
    aliases = []

    def on_alias(**kwargs):
        aliases.append(kwargs)

    crawler.signals.connect(on_alias, signal=signals.article_alias)
    pipeline = DeduplicatePipeline.from_crawler(crawler)
    pipeline.open_spider()
    with pytest.raises(RepublishedArticle):
        pipeline.process_item(make_article())
    assert [(a["article_id"], a["alias"]) for a in aliases] == [(1600000, "1721790")]
    revisit = make_article(id=1600000, url=archived.url)
    assert pipeline.process_item(revisit) is revisit


def test_deduplicator_asks_the_archive_and_keeps_an_edited_articles_old_text(tmp_path):
    from rtarabic.archive import Archive, open_lookup

    old, new, other = content_hash("أ", "نص قديم"), content_hash("أ", "نص جديد"), content_hash("ب", "نص آخر")
    archive = Archive(tmp_path / "archive.db")
    archive.db.table("articles").insert_all(
        [{"id": 5, "url": "u5", "title": "أ", "body": "نص قديم", "content_hash": old},
         {"id": 6, "url": "u6", "title": "ب", "body": "نص آخر", "content_hash": other}]
    )
    lookup = open_lookup(archive.path)
    try:
        dedup = pipelines.Deduplicator(archive=lookup)
        assert dedup.check(9, other) == ("republished", 6)
        assert dedup.check(5, new) == (None, None)  # article 5 edited
        archive.db.table("articles").update(5, {"content_hash": new})  # as the feed storage writes it
        assert dedup.check(10, old) == ("republished", 5)
        assert dedup.check(11, new) == ("republished", 5)
        assert dedup.check(6, other) == (None, None)
    finally:
        lookup.close()
        archive.close()


def test_invalid_articles_make_the_run_unhealthy_and_are_named_in_its_summary(crawler):
    from rtarabic import health

    pipeline = ValidatePipeline.from_crawler(crawler)
    with pytest.raises(MissingField):
        pipeline.process_item(make_article(published=None))
    stats = {**crawler.stats.get_stats(), "finish_reason": "finished"}
    problems = health.evaluate(stats)
    assert problems == ["invalid: 1 articles failed validation and were not stored "
                        "(missing-published 1; RTARABIC_HEALTH_MAX_INVALID=0)"]
    assert "1 invalid articles not stored (1721790 https://arabic.rt.com/world/1721790-%D8%A8/: " \
           "missing-published)" in health.summary(stats, problems)
    assert health.evaluate(stats, health.Thresholds(max_invalid=1)) == []
