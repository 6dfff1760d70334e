"""Extraction from HTML (rtarabic/extract.py, rtarabic/layouts.py): small literal pages per layout."""

import pytest

from rtarabic.extract import extract_article, listing_links, load_more_url
from rtarabic.text import content_hash

BASE = "https://arabic.rt.com"
URL = "https://arabic.rt.com/world/1721790-%D8%B2%D8%A7/"

HEAD = """<head><title>زاخاروفا تتحدث - RT Arabic</title>
<link rel="canonical" href="https://arabic.rt.com/world/1721790-%d8%b2%d8%a7/">
<meta name="description" content="أكدت المتحدثة باسم الخارجية.">
<meta property="og:title" content="زاخاروفا تتحدث">
<meta property="og:image" content="https://cdni.rt.com/media/pics/2024.06/original/og.jpg">
<meta name="publish-date" content="2024-06-30T12:00:00+0300">
<meta name="category" content="world">
<meta name="mediator_author" content="">
</head>"""

STORIES = """<header>مباشر <div class="stories"><span>32 خبر</span><ul>
<li><a href="/trend/53b3df9e611e9b8e648b45c9/">90 دقيقة</a></li></ul></div>
<a href="/middle_east/1700000-x/">خبر في الترويسة</a></header>"""

CLASSIC_BODY = """<div class="article">
<h1 class="heading">زاخاروفا تتحدث</h1>
<div class="time-public"><a href="/world/">أخبار العالم</a> <span class="date">30 يونيو 2024 ، 12:00</span></div>
<div class="text js-text js-mediator-article">
 <p class="intro">أكدت المتحدثة باسم الخارجية.</p>
 <div class="photo"><img data-src="https://cdni.rt.com/media/pics/2024.06/original/a.jpg" alt="زاخاروفا تتحدث">
  <noscript><img src="https://cdni.rt.com/media/pics/2024.06/original/a.jpg"></noscript>
  <span class="caption">زاخاروفا تتحدث</span><div class="copyright">Globallookpress</div></div>
 <p>وقالت&nbsp;زاخاروفا <a href="/russia/1600000-y/">في بيان</a> إن<br>العالم تغير.</p>
 <div class="read-more"><a class="read-more__link" href="/world/1600001-z/">
  <div class="read-more__title">إقرأ المزيد</div><div class="read-more__footer">عنوان مقال آخر</div></a></div>
 <p>وأضافت\u200b: "لا أحد يستطيع". <a href="https://t.me/rtarabic">تلغرام</a> <a href="#note">*</a>
  <a href="javascript:void(0)">شارك</a> <a href="/russia/1600000-y/">مرة أخرى</a></p>
 <div class="rtcode"><blockquote class="twitter-tweet"><p>تغريدة مضمنة</p></blockquote><script src="x.js"></script></div>
 <p>انسخ الرابط https://ar.rt.com/xu3w</p>
 <p>المصدر: RT + وكالات</p>
</div>
<div class="news-tags news-tags_article"><a href="/tags/Corona_virus/">كورونا</a> <a href="/tags/mobile/">موبايل</a></div>
</div>
<aside><a href="/middle_east/1700000-x/">خبر في الترويسة</a>
<a href="https://arabic.rt.com/sport/1700002-q/">هدف في الدقيقة الأخيرة</a></aside>"""


def page(body, head=HEAD, amp=False):
    return f'<!DOCTYPE html><html{" amp" if amp else ""} lang="ar"><{head[1:]}<body>{body}</body></html>'


EXPECTED_CLASSIC = {
    "id": 1721790,
    "url": "https://arabic.rt.com/world/1721790-%D8%B2%D8%A7/",
    "section": "world",
    "section_name": "أخبار العالم",
    "title": "زاخاروفا تتحدث",
    "summary": "أكدت المتحدثة باسم الخارجية.",
    "body": 'وقالت زاخاروفا في بيان إن العالم تغير.\n\nوأضافت: "لا أحد يستطيع". تلغرام * شارك مرة أخرى',
    "source": "RT + وكالات",
    "published": "2024-06-30T09:00:00+00:00",
    "modified": None,
    "author": None,
    "tags": [{"name": "كورونا", "slug": "Corona_virus"}, {"name": "موبايل", "slug": "mobile"}],
    "image": {
        "url": "https://cdni.rt.com/media/pics/2024.06/original/a.jpg",
        "caption": "زاخاروفا تتحدث",
        "credit": "Globallookpress",
    },
    "links": ["https://arabic.rt.com/russia/1600000-y/", "https://t.me/rtarabic"],
    "word_count": 4 + 16,
    "language": "ar",
    "content_hash": content_hash(
        "زاخاروفا تتحدث",
        'وقالت زاخاروفا في بيان إن العالم تغير.\n\nوأضافت: "لا أحد يستطيع". تلغرام * شارك مرة أخرى',
    ),
    "extraction": "classic",
}


def test_classic_layout_whole_item():
    extraction = extract_article(page(STORIES + CLASSIC_BODY), URL, base_url=BASE)
    assert extraction.problem is None
    assert extraction.layout == "classic"
    assert extraction.article == EXPECTED_CLASSIC
    assert extraction.fallbacks == []
    assert extraction.missing == ["modified", "author"]
    assert extraction.headlines == ["90 دقيقة", "خبر في الترويسة", "عنوان مقال آخر", "هدف في الدقيقة الأخيرة"]


def test_bytes_and_str_give_the_same_result():
    html = page(STORIES + CLASSIC_BODY)
    assert extract_article(html.encode(), URL) == extract_article(html, URL)


META_BODY = """<div class="article-page">
<div class="time-public"><a href="/world/">أخبار العالم</a></div>
<div class="article__body js-mediator-article">
 <p class="intro">أكدت المتحدثة باسم الخارجية.</p>
 <p>الفقرة الأولى.</p>
 <div class="read-more-big"><a href="/world/1600003-z/"><span class="read-more-big__title">بطاقة كبيرة</span></a></div>
 <p>الفقرة الثانية.</p>
 <p>المصدر: RT</p>
</div>
<div class="news-tags"><a href="/tags/Russia/">روسيا</a></div>
</div>"""


def test_meta_layout_reads_title_and_lead_from_meta_tags():
    extraction = extract_article(page(META_BODY), URL, base_url=BASE)
    article = extraction.article
    assert extraction.layout == "current"
    assert (article["title"], article["summary"], article["body"], article["source"]) == (
        "زاخاروفا تتحدث",
        "أكدت المتحدثة باسم الخارجية.",
        "الفقرة الأولى.\n\nالفقرة الثانية.",
        "RT",
    )
    assert article["image"] == {"url": "https://cdni.rt.com/media/pics/2024.06/original/og.jpg",
                                "caption": None, "credit": None}
    assert article["tags"] == [{"name": "روسيا", "slug": "Russia"}]
    assert article["published"] == "2024-06-30T09:00:00+00:00"
    assert extraction.fallbacks == []
    assert extraction.headlines == ["بطاقة كبيرة"]


MAIN_ARTICLE_BODY = """<article class="main-article">
<h1 class="main-article__title">زاخاروفا تتحدث</h1>
<div class="main-article__intro-text">أكدت المتحدثة باسم الخارجية.</div>
<figure class="main-figure"><img src="/media/pics/b.jpg"><figcaption>
<span class="main-figure__caption">تعليق الصورة</span><span class="main-figure__credit">AP</span></figcaption></figure>
<div class="main-article__editor-content editor-content"><p>نص المقال.</p><p>المصدر: RT</p></div>
<ul class="main-article__tags"><li class="tags__item"><a href="/tags/Zakharova/">زاخاروفا</a></li></ul>
</article>"""


def test_main_article_layout():
    extraction = extract_article(page(MAIN_ARTICLE_BODY), URL, base_url=BASE)
    article = extraction.article
    assert extraction.layout == "main_article"
    assert (article["title"], article["summary"], article["body"], article["source"], article["tags"]) == (
        "زاخاروفا تتحدث",
        "أكدت المتحدثة باسم الخارجية.",
        "نص المقال.",
        "RT",
        [{"name": "زاخاروفا", "slug": "Zakharova"}],
    )
    assert article["image"] == {"url": "https://arabic.rt.com/media/pics/b.jpg", "caption": "تعليق الصورة",
                                "credit": "AP"}


AMP_BODY = """<article><h1 class="heading">زاخاروفا تتحدث</h1>
<div class="text js-text js-mediator-article"><p class="intro">أكدت المتحدثة باسم الخارجية.</p>
<div class="photo"><amp-img src="https://cdni.rt.com/media/pics/2024.06/original/a.jpg" layout="responsive"></amp-img>
<span class="caption">زاخاروفا تتحدث</span><div class="copyright">Sputnik</div></div>
<p>نص المقال.</p><p>المصدر: RT</p></div>
<div class="news-tags"><a href="/tags/Russia/">روسيا</a></div></article>"""


def test_amp_page_from_its_amp_url():
    amp_url = URL + "amp"
    head = HEAD.replace("<head>", '<head><script async src="https://cdn.ampproject.org/v0.js"></script>')
    extraction = extract_article(page(AMP_BODY, head=head, amp=True), amp_url, base_url=BASE)
    article = extraction.article
    assert extraction.layout == "amp"
    assert article["url"] == EXPECTED_CLASSIC["url"]
    assert (article["body"], article["image"]) == (
        "نص المقال.",
        {"url": "https://cdni.rt.com/media/pics/2024.06/original/a.jpg", "caption": "زاخاروفا تتحدث",
         "credit": "Sputnik"},
    )


def test_fields_fall_back_to_meta_then_json_ld():
    head = """<head><link rel="canonical" href="https://arabic.rt.com/world/1721790-%D8%B2%D8%A7/">
    <script type="application/ld+json">{"@context": "http://schema.org", "@type": "NewsArticle",
      "headline": "عنوان من JSON-LD", "description": "ملخص من JSON-LD",
      "image": [{"@type": "ImageObject", "url": "https://cdni.rt.com/ld.jpg"}],
      "datePublished": "2024-06-30T09:00:00+00:00", "dateModified": "2024-06-30T10:00:00+00:00",
      "sameAs": ["a", "b",],}</script></head>"""
    body = """<div class="js-mediator-article"><p>نص.</p></div><div class="news-tags"></div>"""
    extraction = extract_article(page(body, head=head), URL, base_url=BASE)
    article = extraction.article
    assert (article["title"], article["summary"], article["published"], article["modified"]) == (
        "عنوان من JSON-LD", "ملخص من JSON-LD", "2024-06-30T09:00:00+00:00", "2024-06-30T10:00:00+00:00")
    assert article["image"] == {"url": "https://cdni.rt.com/ld.jpg", "caption": None, "credit": None}
    assert extraction.fallbacks == ["title", "summary", "image"]
    assert extraction.missing == ["section_name", "source", "author", "tags"]


def test_visible_arabic_date_when_no_machine_readable_date():
    head = HEAD.replace('<meta name="publish-date" content="2024-06-30T12:00:00+0300">', "")
    body = CLASSIC_BODY.replace("30 يونيو 2024 ، 12:00", "٣٠ حزيران ٢٠٢٤ ، ١٤:٣٠")
    assert extract_article(page(body, head=head), URL).article["published"] == "2024-06-30T11:30:00+00:00"


def test_missing_fields_are_listed_not_fatal():
    head = "<head><title>x</title></head>"
    body = '<div class="article"><h1 class="heading">عنوان</h1><div class="text js-text js-mediator-article">' \
           '<p class="intro">ملخص</p></div><div class="news-tags"></div></div>'
    extraction = extract_article(page(body, head=head), URL)
    assert extraction.problem is None
    assert extraction.article["body"] is None
    assert extraction.missing == ["body", "published", "section_name", "source", "modified", "author", "tags",
                                  "image"]


@pytest.mark.parametrize(
    "url,expected",
    [
        # canonical link on the mirror host is mapped onto the base
        ("https://rtarabic.com/world/1721790-%d8%b2%d8%a7", "https://arabic.rt.com/world/1721790-%D8%B2%D8%A7/"),
        ("https://arabic.rt.com/world/1721790-%D8%B2%D8%A7/?utm_source=rss#top",
         "https://arabic.rt.com/world/1721790-%D8%B2%D8%A7/"),
    ],
)
def test_url_from_canonical_link(url, expected):
    head = HEAD.replace("https://arabic.rt.com/world/", "https://rtarabic.com/world/")
    assert extract_article(page(CLASSIC_BODY, head=head), url).article["url"] == expected


def test_url_from_fetched_url_when_canonical_is_offsite():
    head = HEAD.replace("https://arabic.rt.com/world/1721790-%d8%b2%d8%a7/", "https://example.org/a/")
    url = "http://127.0.0.1:8000/world/1721790-%d8%b2%d8%a7"
    assert extract_article(page(CLASSIC_BODY, head=head), url, base_url="http://127.0.0.1:8000").article[
        "url"] == "http://127.0.0.1:8000/world/1721790-%D8%B2%D8%A7/"


INTERSTITIAL = """<!DOCTYPE html><html><head><title>DDoS-Guard</title>
<script src="/.well-known/ddos-guard/check?context=free_splash"></script></head>
<body><div id="ddg-splash">Checking your browser before accessing arabic.rt.com</div></body></html>"""


@pytest.mark.parametrize(
    "html,url,problem",
    [
        (INTERSTITIAL, URL, "interstitial"),
        (page("<h1>برنامج</h1><p>وصف الحلقة</p>"), "https://arabic.rt.com/prg/x-1435348/y/", "not-article"),
        (page("<h1>فيديو</h1>", head='<head><meta property="og:type" content="video.other"></head>'), URL,
         "not-article"),
        (page("<div><h1>عنوان</h1><span>نص</span></div>", head="<head></head>"), URL, "unknown-layout"),
        ("", URL, "unknown-layout"),
        (page(STORIES + CLASSIC_BODY).split("وأضافت")[0], URL, "truncated"),
        (page(STORIES + CLASSIC_BODY).split("</div>\n<aside>")[0], URL, "truncated"),
        (page(STORIES + CLASSIC_BODY).split('<a href="/tags/mobile/">')[0], URL, "truncated"),
    ],
)
def test_problems(html, url, problem):
    extraction = extract_article(html, url, base_url=BASE)
    assert (extraction.article, extraction.problem) == (None, problem)


def test_page_cut_after_the_tags_block_is_complete():
    html = page(STORIES + CLASSIC_BODY).split("هدف في الدقيقة")[0]
    assert extract_article(html, URL).article["tags"] == EXPECTED_CLASSIC["tags"]


def test_article_mentioning_ddos_guard_is_an_article():
    body = CLASSIC_BODY.replace("الفقرة", "").replace("العالم تغير.", "هجوم على DDoS-Guard")
    assert extract_article(page(body), URL).problem is None


LISTING = """<ul class="js-listing__list">
<li><a class="heading" href="/world/1700010-%D8%A3/">أ</a></li>
<li><a class="heading" href="/world/1700010-%D8%A3/amp">أ</a></li>
<li><a href="https://rtarabic.com/sport/1700011-b?utm_source=x">ب</a></li>
<li><a href="/prg/x-1700012/y/">برنامج</a><a href="/tags/Russia/">وسم</a><a href="/video/1700013-v/">فيديو</a></li>
<li><a href="https://example.org/world/1700014-c/">خارجي</a><a href="/news/714213">قديم</a></li>
</ul>
<button class="button-more js-listing__more" data-url="/listing/tag.hamas/noprepare/tag/10/{page}">المزيد</button>"""


def test_listing_links():
    assert listing_links(LISTING, "https://arabic.rt.com/tags/hamas/", base_url=BASE) == [
        "https://arabic.rt.com/world/1700010-%D8%A3/",
        "https://arabic.rt.com/sport/1700011-b/",
        "https://arabic.rt.com/news/714213",
    ]


def test_listing_links_of_an_empty_fragment():
    assert listing_links("", "https://arabic.rt.com/listing/tag.hamas/noprepare/tag/10/9", base_url=BASE) == []


@pytest.mark.parametrize(
    "html,expected",
    [
        (LISTING, "https://arabic.rt.com/listing/tag.hamas/noprepare/tag/10/{page}"),
        ('<a class="load-more" href="/listing/trend.53b3df9e611e9b8e648b45c9/noprepare/trend/10/1">المزيد</a>',
         "https://arabic.rt.com/listing/trend.53b3df9e611e9b8e648b45c9/noprepare/trend/10/1"),
        ("<script>var listing = '/listing/type.News.category.world/noprepare/section/10/0';</script>",
         "https://arabic.rt.com/listing/type.News.category.world/noprepare/section/10/0"),
        ("<ul><li><a href='/world/1-a/'>a</a></li></ul>", None),
        # The URL inside a JavaScript call or a JSON option of the control, and S5's `${page}` form.
        ("<button onclick=\"loadMore('/listing/tag.hamas/noprepare/tag/10/', 1)\">المزيد</button>",
         "https://arabic.rt.com/listing/tag.hamas/noprepare/tag/10/"),
        ("<button data-options='{\"url\":\"/listing/tag.hamas/noprepare/tag/10/{page}\"}'>المزيد</button>",
         "https://arabic.rt.com/listing/tag.hamas/noprepare/tag/10/{page}"),
        ("<script>$.get(`https://arabic.rt.com/listing/tag.hamas/noprepare/tag/1/${page}`)</script>",
         "https://arabic.rt.com/listing/tag.hamas/noprepare/tag/1/{page}"),
    ],
)
def test_load_more_url(html, expected):
    assert load_more_url(html, "https://arabic.rt.com/tags/hamas/", base_url=BASE) == expected


@pytest.mark.parametrize(
    "encode",
    [
        lambda html: html.encode("utf-8"),
        # body in windows-1256, declared only by its meta tag
        lambda html: html.replace("<head>", '<head><meta charset="windows-1256">').encode("cp1256", "replace"),
        # a UTF-8 body whose meta claims windows-1256 (the header/meta lie)
        lambda html: html.replace("<head>", '<head><meta charset="windows-1256">').encode("utf-8"),
    ],
)
def test_charset_of_bytes(encode):
    html = page(META_BODY)
    article = extract_article(encode(html), URL, base_url=BASE).article
    assert (article["title"], article["body"]) == ("زاخاروفا تتحدث", "الفقرة الأولى.\n\nالفقرة الثانية.")


# -- messy markup inside the body container (the current template, evidence markup) ---------------

CURRENT_HEAD = HEAD.replace("</head>", """<script type="application/ld+json">{"@context": "http://schema.org",
 "@type": "NewsArticle", "headline": "زاخاروفا تتحدث", "datePublished": "2024-06-30T09:00:00+00:00",
 "dateModified": "2024-06-30T10:30:00+00:00"}</script></head>""")

# Paragraphs in one or two wrapper divs with unknown classes, subheads, lists, a quotation, inner
# and trailing <br>, empty paragraphs, every read-more card kind of S1 §3.2, an in-body photo,
# embeds (telegram .rtcode, a tweet with its script, a YouTube iframe), a video label, an ad slot
# (label and inline script), the short-link widget, links inside sentences, the source line.
MESSY_BODY = """<div class="article-x9">
<h1 class="q7hd">زاخاروفا تتحدث</h1>
<div class="text js-text js-mediator-article">
 <p class="intro">أكدت المتحدثة باسم الخارجية.</p>
 <div class="photo"><img data-src="https://cdni.rt.com/media/pics/2024.06/original/a.jpg">
  <span class="caption">زاخاروفا تتحدث</span><div class="copyright">Sputnik</div></div>
 <p>أكدت المتحدثة باسم الخارجية.</p>
 <div class="k2a"><p>الفقرة <a href="/russia/1600000-y/">الأولى</a> في غلاف.</p></div>
 <div class="zz1"><div class="zz2"><p>الفقرة الثانية<br>في غلافين.<br></p></div></div>
 <p></p><p>&nbsp;</p>
 <h2>عنوان فرعي</h2>
 <ul><li>البند الأول</li><li>البند <strong>الثاني</strong></li></ul>
 <ol><li>خطوة</li></ol>
 <blockquote><p>"لا أحد يستطيع"</p><p>قالت.</p></blockquote>
 <p><strong>اقرأ أيضا:</strong> <a href="/world/1600005-r/">خبر آخر تماما</a></p>
 <div class="read-more"><a class="read-more__link" href="/world/1600001-z/">
  <div class="read-more__title">إقرأ المزيد</div><div class="read-more__footer">عنوان مقال آخر</div></a></div>
 <a class="read-more-big" href="/world/1600002-z/"><span class="read-more-big__title">بطاقة كبيرة</span></a>
 <div class="read-more-text-only"><a href="/world/1600003-z/">بطاقة نصية</a></div>
 <h3>عنوان فرعي ثان</h3>
 <div class="rtcode"><script src="https://telegram.org/js/telegram-widget.js" data-telegram-post="rt/1"></script>
  <a href="https://t.me/rt/1">منشور تلغرام</a></div>
 <blockquote class="twitter-tweet"><p lang="ar">تغريدة مضمنة</p>&mdash; RT</blockquote>
 <script async src="https://platform.twitter.com/widgets.js"></script>
 <p>شاهد الفيديو</p>
 <div class="video-iframe"><iframe src="https://www.youtube.com/embed/x"></iframe></div>
 <div class="p0x"><span>إعلان</span><script>ads.push({});</script></div>
 <div class="s8q">نص حر في غلاف.</div>
 <div class="sl"><span>انسخ الرابط</span> <a href="https://ar.rt.com/xu3w">https://ar.rt.com/xu3w</a></div>
 <p>الفقرة الأخيرة.</p>
 <p>المصدر: RT</p>
</div>
<div class="news-tags"><a href="/tags/Russia/">روسيا</a></div>
</div>"""

MESSY_TEXT = [
    "أكدت المتحدثة باسم الخارجية.",  # the lead repeated as a body paragraph stays (sample p13)
    "الفقرة الأولى في غلاف.",
    "الفقرة الثانية في غلافين.",
    "عنوان فرعي",
    "البند الأول",
    "البند الثاني",
    "خطوة",
    '"لا أحد يستطيع"',  # a quotation of two paragraphs is two paragraphs
    "قالت.",
    "عنوان فرعي ثان",
    "نص حر في غلاف.",
    "الفقرة الأخيرة.",
]


def test_current_template_keeps_every_text_block_and_no_furniture():
    extraction = extract_article(page(MESSY_BODY, head=CURRENT_HEAD), URL, base_url=BASE)
    article = extraction.article
    assert (extraction.layout, article["extraction"]) == ("current", "current")
    assert article["body"].split("\n\n") == MESSY_TEXT
    assert (article["summary"], article["source"]) == ("أكدت المتحدثة باسم الخارجية.", "RT")
    assert article["links"] == ["https://arabic.rt.com/russia/1600000-y/"]
    assert article["image"] == {"url": "https://cdni.rt.com/media/pics/2024.06/original/og.jpg",
                                "caption": "زاخاروفا تتحدث", "credit": "Sputnik"}
    assert (article["published"], article["modified"]) == ("2024-06-30T09:00:00+00:00",
                                                           "2024-06-30T10:30:00+00:00")
    # The cards' headlines are known to the sidebar-stripping pipeline.
    assert {"خبر آخر تماما", "عنوان مقال آخر", "بطاقة كبيرة", "بطاقة نصية"} <= set(extraction.headlines)


def test_a_headline_given_as_prose_stays_and_only_its_linked_copy_is_stripped():
    # A list item of the article that is also another article's headline in the sidebar (a digest of the
    # day's news) is the article's text; the same headline as a link in the body is a leaked card.
    from rtarabic.boilerplate import strip_body

    sidebar = ('<aside><a href="/world/1600010-a/">منظمة أوبك+ ترصد تحركات الذكاء الاصطناعي</a>'
               '<a href="/world/1600011-b/">خبر جانبي آخر</a></aside>')
    body = MESSY_BODY.replace("<ol><li>خطوة</li></ol>", "<ol><li>منظمة أوبك+ ترصد تحركات الذكاء الاصطناعي</li></ol>"
                              '<p><a href="/world/1600011-b/">خبر جانبي آخر</a></p>') + sidebar
    extraction = extract_article(page(body, head=CURRENT_HEAD), URL, base_url=BASE)
    paragraphs = extraction.article["body"].split("\n\n")
    assert "منظمة أوبك+ ترصد تحركات الذكاء الاصطناعي" in paragraphs
    assert "خبر جانبي آخر" not in paragraphs  # a paragraph that is only a link to another article is a card
    assert "منظمة أوبك+ ترصد تحركات الذكاء الاصطناعي" not in extraction.headlines
    kept, removed = strip_body(extraction.article["body"], headlines=extraction.headlines)
    assert removed == 0 and "منظمة أوبك+ ترصد تحركات الذكاء الاصطناعي" in kept.split("\n\n")
    # The same card as it reaches the pipeline from elsewhere (the JSON-LD body): the headline rule takes it.
    kept, removed = strip_body(extraction.article["body"] + "\n\nخبر جانبي آخر", headlines=extraction.headlines)
    assert removed == 1 and "منظمة أوبك+ ترصد تحركات الذكاء الاصطناعي" in kept.split("\n\n")


def test_body_paragraph_that_repeats_the_lead_survives_the_pipeline_rules():
    from rtarabic.boilerplate import strip_body

    body = "أكدت المتحدثة باسم الخارجية.\n\nنص."
    assert strip_body(body, summary="أكدت المتحدثة باسم الخارجية.", title="عنوان") == (body, 0)


DRIFT_HEAD = CURRENT_HEAD.replace('<meta name="category" content="world">', "")
DRIFT_BODY = """<header><nav><a href="/world/">أخبار العالم</a> <a href="/sport/">رياضة</a></nav></header>
<main class="n3-main"><article class="n3-story">
<div class="n3-kicker"><a href="/world/">أخبار العالم</a></div>
<h1 class="n3-title">زاخاروفا تتحدث</h1>
<div class="n3-standfirst">أكدت المتحدثة باسم الخارجية.</div>
<div class="n3-content">
 <div class="n3-par">قالت زاخاروفا في مؤتمرها الصحفي الأسبوعي إن العالم قد تغير كثيرا في السنوات الأخيرة.</div>
 <div class="n3-par">وأضافت أن بلادها مستعدة للحوار مع جميع الأطراف دون أي شروط مسبقة من أي نوع.</div>
 <div class="n3-par">وأشارت إلى أن العقوبات الغربية لم تحقق أهدافها المعلنة بحسب تقديرات الخبراء.</div>
 <div class="n3-par">اقرأ أيضا: عنوان مقال آخر</div>
 <div class="n3-par">المصدر: RT</div>
</div></article>
<section class="n3-more"><h3>الأكثر قراءة</h3><ul>
 <li><a href="/sport/1700002-q/">هدف في الدقيقة الأخيرة من المباراة النهائية</a></li>
 <li><a href="/world/1700003-q/">قمة جديدة بين الزعيمين الأسبوع المقبل</a></li></ul></section></main>
<footer>RT Arabic</footer>"""


def test_unknown_layout_is_read_generically_from_meta_json_ld_and_main_text():
    extraction = extract_article(page(DRIFT_BODY, head=DRIFT_HEAD), URL, base_url=BASE)
    article = extraction.article
    assert (extraction.problem, extraction.layout, article["extraction"]) == (None, "generic", "generic")
    assert (article["title"], article["summary"], article["published"], article["modified"]) == (
        "زاخاروفا تتحدث", "أكدت المتحدثة باسم الخارجية.", "2024-06-30T09:00:00+00:00", "2024-06-30T10:30:00+00:00")
    assert article["body"].split("\n\n") == [
        "قالت زاخاروفا في مؤتمرها الصحفي الأسبوعي إن العالم قد تغير كثيرا في السنوات الأخيرة.",
        "وأضافت أن بلادها مستعدة للحوار مع جميع الأطراف دون أي شروط مسبقة من أي نوع.",
        "وأشارت إلى أن العقوبات الغربية لم تحقق أهدافها المعلنة بحسب تقديرات الخبراء.",
    ]
    assert article["source"] == "RT"
    assert article["image"]["url"] == "https://cdni.rt.com/media/pics/2024.06/original/og.jpg"


def test_id_only_canonical_url_is_an_article_that_validates():
    """Sample p13: the page lives at /news/714213 and names no slug."""
    from rtarabic.items import EXPORT_FIELDS, schema_errors

    head = HEAD.replace("https://arabic.rt.com/world/1721790-%d8%b2%d8%a7/", "https://arabic.rt.com/news/714213")
    head = head.replace('content="world"', 'content="news"')
    url = "https://arabic.rt.com/news/714213"
    article = extract_article(page(CLASSIC_BODY, head=head), url, base_url=BASE).article
    assert (article["id"], article["url"], article["section"]) == (714213, url, "news")
    exported = {name: article.get(name) for name in EXPORT_FIELDS} | {"crawled_at": "2026-12-01T09:00:00+00:00"}
    assert schema_errors(exported) == []


@pytest.mark.parametrize("code", ["xu3w", "1a2b", "zzzz", "0000"])
def test_short_link_widget_with_any_base36_code_is_furniture(code):
    body = CLASSIC_BODY.replace("https://ar.rt.com/xu3w", f"https://ar.rt.com/{code}")
    body = body.replace("<p>المصدر:", f'<p><a href="https://ar.rt.com/{code}">https://ar.rt.com/{code}</a></p><p>المصدر:')
    assert extract_article(page(body), URL).article["body"] == EXPECTED_CLASSIC["body"]


# -- against the offline replica: every DOM generation, the AMP copy, faults ------------------------

import urllib.error  # noqa: E402
import urllib.request  # noqa: E402
from datetime import UTC, datetime  # noqa: E402

from rtarabic.text import word_count  # noqa: E402
from tests.replica import pages as replica_pages  # noqa: E402
from tests.replica.generator import STORIES as REPLICA_STORIES  # noqa: E402
from tests.replica.generator import Site  # noqa: E402
from tests.replica.server import running  # noqa: E402

REPLICA_NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)
STORY_NAMES = {name for name, _ in REPLICA_STORIES}


@pytest.fixture(scope="module")
def served_site():
    """A replica with faults, served over HTTP on 127.0.0.1 for this module."""
    site = Site(articles=300, seed=7, now=REPLICA_NOW)
    with running(site):
        yield site


def fetch(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read()
    except urllib.error.HTTPError as error:  # the interstitial answers 403 with a page
        return error.read()


def expected_item(site: Site, article_id: int, extraction: str | None = None) -> dict:
    truth = site.truth(article_id)
    truth["extraction"] = extraction or site.entries[article_id].layout
    truth["word_count"] = word_count(truth["summary"], truth["body"])
    truth["content_hash"] = content_hash(truth["title"], truth["body"])
    return truth


def healthy_ids(site: Site, layout: str, count: int = 4) -> list[int]:
    ids = [i for i in site.article_ids() if site.entries[i].layout == layout and not site.entries[i].fault]
    return ids[:count]


@pytest.mark.parametrize("layout,amp", [("classic", False), ("current", False), ("main_article", False),
                                        ("classic", True), ("current", True), ("main_article", True)])
def test_replica_pages_over_http_equal_truth(served_site, layout, amp):
    ids = healthy_ids(served_site, layout)
    assert ids
    for article_id in ids:
        url = served_site.base_url + (served_site.amp_path(article_id) if amp else served_site.path(article_id))
        extraction = extract_article(fetch(url), url, base_url=served_site.base_url)
        assert extraction.problem is None
        assert extraction.layout == ("amp" if amp else layout)
        assert extraction.article == expected_item(served_site, article_id, "amp" if amp else None)


@pytest.mark.parametrize("fault", ["charset_header_cp1256", "charset_header_latin1", "charset_cp1256_body"])
def test_replica_charset_faults_over_http(served_site, fault):
    for article_id in served_site.fault_ids(fault):
        url = served_site.url(article_id)
        extraction = extract_article(fetch(url), url, base_url=served_site.base_url)
        assert extraction.article == expected_item(served_site, article_id)


@pytest.mark.parametrize("fault,problem", [("ddos_guard", "interstitial"), ("truncated", "truncated")])
def test_replica_fault_pages_over_http(served_site, fault, problem):
    ids = served_site.fault_ids(fault)
    assert ids
    for article_id in ids:
        url = served_site.url(article_id)
        extraction = extract_article(fetch(url), url, base_url=served_site.base_url)
        assert (extraction.article, extraction.problem) == (None, problem)


def test_replica_non_article_pages_over_http(served_site):
    others = sorted(served_site.others.values(), key=lambda other: other.id)[:6]
    assert {other.kind for other in others} == {"prg", "video", "photolines"}
    for other in others:
        for url in (served_site.base_url + other.path, served_site.base_url + other.path + "amp"):
            assert extract_article(fetch(url), url, base_url=served_site.base_url).problem == "not-article"


def test_replica_layout_drift_is_read_generically_over_http(make_replica):
    """A redesign (metas and JSON-LD as before, every class new): each article read as ``generic``,
    whole and exact."""
    replica = make_replica(articles=40, layout_drift=True)
    site = replica.site
    for article_id in [i for i in site.article_ids() if not site.entries[i].fault][:8]:
        url = site.url(article_id)
        extraction = extract_article(fetch(url), url, base_url=site.base_url)
        assert (extraction.problem, extraction.layout) == (None, "generic")
        assert extraction.article == expected_item(site, article_id, "generic")


@pytest.fixture(scope="module")
def whole_site():
    return Site(articles=300, seed=11, now=REPLICA_NOW, faults=False)


def furniture_paragraphs(site: Site, article_id: int, body: str) -> list[str]:
    """Paragraphs of ``body`` that are one of the page's furniture texts."""
    truth = set(site.truth(article_id)["body"].split("\n\n"))
    furniture = (set(site.furniture_texts(article_id)) | set(site.boilerplate(article_id))) - truth
    return [p for p in body.split("\n\n") if p in furniture]


@pytest.mark.parametrize("template", ["desktop", "amp", "drift"])
def test_every_replica_article_equals_truth(whole_site, template):
    """Every article of a 300-article site, every template and the AMP copy and the redesign: item,
    furniture, headlines."""
    layouts = set()
    amp, drift = template == "amp", template == "drift"
    for article_id in whole_site.article_ids():
        html = replica_pages.article_page(whole_site, article_id, amp=amp, drift=drift)
        url = whole_site.base_url + (whole_site.amp_path(article_id) if amp else whole_site.path(article_id))
        extraction = extract_article(html.encode(), url, base_url=whole_site.base_url)
        expected = expected_item(whole_site, article_id, "amp" if amp else "generic" if drift else None)
        assert extraction.article == expected, article_id
        assert furniture_paragraphs(whole_site, article_id, extraction.article["body"]) == []
        layouts.add(extraction.layout)
        if template == "desktop":  # the AMP copy has no sidebars
            paragraphs = expected["body"].split("\n\n")
            headlines = set(extraction.headlines)
            assert set(whole_site.headlines(article_id)) <= headlines
            assert headlines <= set(whole_site.headlines(article_id)) | STORY_NAMES
            assert not headlines & set(paragraphs)
    assert layouts == {"desktop": {"classic", "current", "main_article"}, "amp": {"amp"},
                       "drift": {"generic"}}[template]


def test_replica_listings_over_http(served_site):
    section = "world"
    page_url = f"{served_site.base_url}/{section}/"
    html = fetch(page_url)
    links = listing_links(html, page_url, base_url=served_site.base_url)
    newest = served_site.listing(served_site.by_section[section], 0, 10)
    assert links[:10] == [served_site.base_url + served_site.path(i, section) for i in newest]
    template = load_more_url(html, page_url, base_url=served_site.base_url)
    assert template == f"{served_site.base_url}/listing/type.News.category.{section}/noprepare/all-news/10/{{page}}"
    fragment_url = template.replace("{page}", "1")
    fragment_links = listing_links(fetch(fragment_url), fragment_url, base_url=served_site.base_url)
    second = served_site.listing(served_site.by_section[section], 1, 10)
    assert fragment_links == [served_site.base_url + served_site.path(i, section) for i in second]


def test_an_author_from_json_ld_is_no_sign_of_drift():
    # A small cron run of two main_article pages whose author is only in JSON-LD counted two fallbacks
    # of two articles and exited 3 for "layout drift".
    site = Site(articles=300, seed=1, now=REPLICA_NOW, faults=False, template="main_article")
    article_id = next(i for i in site.article_ids() if site.truth(i)["author"])
    extraction = extract_article(replica_pages.article_page(site, article_id), site.url(article_id),
                                 base_url=site.base_url)
    assert extraction.article["author"] == site.truth(article_id)["author"]
    assert extraction.fallbacks == []


@pytest.mark.parametrize("inner,body,source", [
    # Two <br> end a paragraph; a read-more or source line between them goes alone.
    ('أ.<br><br>اقرأ أيضا: <a href="/world/1-x/">عنوان آخر</a><br><br>ب.<br><br>المصدر: RT', ["أ.", "ب."], "RT"),
    # One <br> after a read-more line: the line goes, the article text after it stays.
    ('<p><a href="/world/1-x/"><strong>اقرأ أيضا: عنوان آخر</strong></a><br>نص المقال.</p>', ["نص المقال."], None),
    # A <span> around paragraphs is a wrapper, not one run of text.
    ('<span dir="rtl"><p>أ.</p><p>إعلان</p><p>المصدر: RT</p></span>', ["أ."], "RT"),
    # Sentences about cookies or quoting RT's hashtag are text; the notice and the card are not.
    ('<p>وتستخدم المواقع ملفات تعريف الارتباط لتتبع المستخدمين.</p><p>وانتشر وسم #اسأل_أكثر على المنصات.</p>'
     '<p>هذا الموقع يستخدم ملفات تعريف الارتباط .بامكانك قراءة شروط الاستخدام</p><p>#اسأل_أكثر #Question_More</p>',
     ["وتستخدم المواقع ملفات تعريف الارتباط لتتبع المستخدمين.", "وانتشر وسم #اسأل_أكثر على المنصات."], None),
    # Read-more labels in any spelling, and headlines listed under a label alone.
    ('<p>نص.</p><p>اقرأ أيضًا: <a href="/world/1-x/">عنوان آخر</a></p><p>إقرأ ايضا: <a href="/world/2-x/">عنوان</a></p>'
     '<p><strong>اقرأ أيضا:</strong></p><ul><li><a href="/world/3-x/">عنوان ثالث</a></li></ul>', ["نص."], None),
    # Labels with punctuation around them.
    ('<p>نص.</p><p>شاهد بالفيديو..</p><div class="k1"><div>- إعلان -</div></div>', ["نص."], None),
    # A figure without a picture (a quotation, a table) is text; a table row is one paragraph.
    ('<figure class="quote"><blockquote><p>"اقتباس".</p><p>تتمة.</p></blockquote><figcaption>قائل</figcaption></figure>'
     '<table><tr><th>المؤشر</th><th>2025</th></tr><tr><td>التضخم</td><td>6.5</td></tr></table>',
     ['"اقتباس".', "تتمة.", "قائل", "المؤشر 2025", "التضخم 6.5"], None),
    # A picture with caption and credit in wrappers of unknown classes, and a social post pasted as a quotation.
    ('<p>نص.</p><div class="m1"><img src="/a.jpg"><div class="m2">ألواح شمسية في البصرة</div><div>AFP</div></div>'
     '<blockquote class="q9"><p>Deprem anı</p>&mdash; AFAD (@AFADBaskanlik) '
     '<a href="https://twitter.com/AFADBaskanlik/status/1">18 Ekim 2025</a></blockquote>'
     '<div class="q8"><blockquote><p>منشور</p>Posted by <a href="https://www.facebook.com/afad">AFAD</a></blockquote></div>',
     ["نص."], None),
])
def test_body_rules_on_markup_the_replica_does_not_generate(inner, body, source):
    html = page(f'<div class="js-mediator-article">{inner}</div><div class="news-tags"></div>')
    article = extract_article(html, URL, base_url=BASE).article
    assert (article["body"] or "").split("\n\n") == body
    assert article["source"] == source


def test_a_card_with_the_main_article_classes_does_not_make_the_page_main_article():
    html = page('<div class="js-mediator-article"><p>نص.</p></div><article><h3 class="main-article__title">'
                '<a href="/world/1-x/">بطاقة</a></h3></article>')
    extraction = extract_article(html, URL, base_url=BASE)
    assert extraction.layout == "current"
    assert extraction.article["body"] == "نص."


@pytest.mark.parametrize("metas,published", [
    # S1 reads publish-date first; the Telegram meta after it.
    ({"publish-date": "2025-11-06T16:40:00+0300", "published_time_telegram": "2025-11-06T13:55:00+00:00"},
     "2025-11-06T13:40:00+00:00"),
    # A template's empty date (1970) is no date: the next one is taken.
    ({"published_time_telegram": "1970-01-01T00:00:00+00:00", "publish-date": "2025-11-06T16:40:00+0300"},
     "2025-11-06T13:40:00+00:00"),
    # A date without a time zone (read as Moscow time) yields to a later one that states its zone.
    ({"article:published_time": "2025-11-07T08:00:00", "published_time_telegram": "2025-11-07T08:00:00+00:00"},
     "2025-11-07T08:00:00+00:00"),
    ({"article:published_time": "2025-11-07T08:00:00"}, "2025-11-07T05:00:00+00:00"),
])
def test_published_date_sources(metas, published):
    head = "<head>" + "".join(f'<meta name="{name}" content="{value}">' for name, value in metas.items()) + \
        '<meta property="og:title" content="عنوان"></head>'
    html = page('<div class="js-mediator-article"><p>نص.</p></div>', head=head)
    assert extract_article(html, URL, base_url=BASE).article["published"] == published


def test_short_link_widget_of_a_five_character_code_is_furniture():
    # Ids from 36**4 on have five-character short codes (p03's code is its id in base 36).
    assert int("xu3w", 36) == 1578668
    html = page('<div class="js-mediator-article"><p>نص.</p><p>https://ar.rt.com/10wji</p>'
                '<p>انسخ الرابط https://ar.rt.com/10wji</p></div>')
    assert extract_article(html, URL, base_url=BASE).article["body"] == "نص."
