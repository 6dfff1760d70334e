"""Page furniture that must never be stored as article text, and its removal.

Whatever the extraction returned, a body paragraph is dropped when, as a whole
paragraph, it is the headline of another article linked from the same page, a
read-more card (إقرأ المزيد / اقرأ أيضا), the cover's caption or credit, the
"انسخ الرابط" short-link widget, the comments heading, the poll, the cookie
notice, an RT STORIES card, the "تابعوا RT على" follow line, a "شاهد الفيديو" label
or an ad slot's "إعلان" label. A sentence that merely quotes a headline stays: only
whole-paragraph matches go. These text rules are the only copy: the extraction
(``rtarabic.extract``) applies them to every paragraph it reads too.

Used by ``rtarabic.pipelines.StripSidebarPipeline``; see the README's
"Crawling" section.
"""

import re
import unicodedata

from rtarabic.arabic import normalize_arabic
from rtarabic.text import PARAGRAPH_SEPARATOR, normalize, normalize_body
from rtarabic.urls import SHORTLINK_CODE


def _fold(text: str) -> str:
    """Text as the rules compare it: diacritics and tatweel out, alef, ya and ta marbuta folded
    (اقرأ أيضًا, إقرأ ايضا and اقرأ أيضاً are one label)."""
    return normalize_arabic(text, strip_prefixes=False)


#: Characters around a label that do not make it text: "- إعلان -", "شاهد بالفيديو..".
_LABEL_TRIM = " \t-–—_:：.…,،;؛|•·*/\\()[]«»\"'!؟?"

# Exact paragraphs (punctuation around them aside) that are navigation, labels or ads, never text.
_FURNITURE = frozenset(
    _fold(label) for label in
    {"التعليقات", "مباشر", "أين يمكنك متابعتنا", "أقسام مهمة", "Stories", "RT STORIES", "انسخ الرابط",
     "إعلان", "شاهد الفيديو", "شاهد بالفيديو", "فيديو", "اقرأ أيضا", "اقرأ المزيد", "شاهد أيضا"}
)

#: The source line ends the body: "المصدر: RT", "المصدر: RT + وكالات", "المصدر : ديلي ميل".
SOURCE_LINE = re.compile(r"^المصا?در\s*[:：\-–—]\s*(.+)$")  # also "المصادر: ..." and "المصدر - ..."
SOURCE_LABEL = re.compile(r"^المصا?در\s*[:：\-–—]?$")
#: Labels that recommendation cards put before the other article's headline (any spelling of أيضا).
CARD_LABEL = re.compile(
    r"^(?:[إاأ]قر[أا]\s+(?:المزيد|[أا]يض\u064b?ا\u064b?)|شاهد\s+[أا]يض\u064b?ا\u064b?|Read more)\s*[:：]?\s*")

# Rules over the folded paragraph (``_fold``), written as the site spells them and folded alike.
_PATTERNS = tuple(
    re.compile(_fold(p))
    for p in (
        r"^اقرأ\s+(?:المزيد|أيضا)",  # read-more cards and "اقرأ أيضا: <headline>" lines
        r"^شاهد\s+أيضا",  # "see also" cards
        r"^انسخ الرابط",  # the short-link widget, with or without its link
        rf"^https?://ar\.rt\.com/{SHORTLINK_CODE}/?$",  # the short link alone
        r'^اختر\s+["«“].*["»”]\s*!$',  # the poll line under the comments heading (sample: اختر "…"!)
        # the cookie notice (sample p09: "هذا الموقع يستخدم ملفات تعريف الارتباط ... اضغط هنا"), not a
        # sentence about cookies
        r"^هذا الموقع يستخدم ملفات تعريف الارتباط|ملفات تعريف الارتباط.*(?:شروط الاستخدام|اضغط هنا)",
        # web-stories cards: "RT STORIES" alone or after the hashtags (sample p02), and the hashtag line;
        # a sentence about RT STORIES is text
        r"^(?:#\S+\s*)*RT STORIES$|^(?:#(?:اسأل_أكثر|Question_?More)\s*)+$",
        r"^تابعوا\s+RT\s+على",  # "follow RT on"
        r"^[0-9]+\s+خبر$",  # the stories widget's counter
        r"^المصا?در\s*[:：\-–—]",  # the source line belongs in ``source``, not in the body
    )
)


def source_of(paragraph: str) -> str | None:
    """What a source line names, or None for any other paragraph.

    >>> source_of("المصدر: RT + وكالات")
    'RT + وكالات'
    """
    match = SOURCE_LINE.match(paragraph)
    return match.group(1).strip() or None if match else None


def is_source_label(paragraph: str) -> bool:
    """Whether a line is the source line's label alone, its value on the next line ("المصدر:<br>RT").

    >>> is_source_label("المصدر:"), is_source_label("المصدر: RT")
    (True, False)
    """
    return bool(SOURCE_LABEL.match(paragraph))


def without_card_label(text: str) -> str:
    """A card's text without its "إقرأ المزيد"-style label.

    >>> without_card_label("إقرأ المزيد عنوان آخر")
    'عنوان آخر'
    """
    return CARD_LABEL.sub("", text) if text[:1] in ("إ", "ا", "أ", "ش", "R") else text


def headline_key(text: str | None) -> str:
    """``text`` reduced for comparing headlines: punctuation, symbols and spacing removed, case folded.

    >>> headline_key("سوريا.. اتفاق لوقف إطلاق النار (فيديو)") == headline_key("سوريا اتفاق لوقف  إطلاق النار فيديو")
    True
    """
    text = normalize(text)
    kept = (" " if unicodedata.category(c)[0] in "PSZ" else c for c in text)
    return " ".join("".join(kept).split()).casefold()


def is_furniture(paragraph: str) -> bool:
    """Whether a (normalised) paragraph is page furniture whatever the page.

    >>> is_furniture("إقرأ المزيد مقتل 3 أشخاص")
    True
    >>> is_furniture("وقال الرئيس إن المحادثة كانت بناءة.")
    False
    >>> is_furniture("- إعلان -"), is_furniture("اقرأ أيضًا: عنوان آخر")
    (True, True)
    >>> is_furniture("وتستخدم المواقع ملفات تعريف الارتباط لتتبع المستخدمين.")
    False
    """
    folded = _fold(paragraph)
    if not any(c.isalnum() for c in folded):
        return True  # no letter or digit: a separator or a pointer ("***", "👇👇"), no text
    return folded.strip(_LABEL_TRIM) in _FURNITURE or any(p.search(folded) for p in _PATTERNS)


def strip_body(
    body: str | None,
    *,
    headlines: list[str] = (),
    title: str | None = None,
    summary: str | None = None,
    caption: str | None = None,
    credit: str | None = None,
) -> tuple[str, int]:
    """``body`` without furniture paragraphs, and how many paragraphs went.

    ``headlines`` are the headlines of other articles on the page; the title, the caption and
    the credit are the page's own lines that must not reappear as paragraphs. A paragraph that
    repeats the lead stays: the body is the article as published (a lead can open the body,
    as on sample p13); ``summary`` is accepted for callers that pass it and ignored.

    >>> strip_body("أ\\n\\nعنوان آخر!\\n\\nب", headlines=["عنوان آخر"])
    ('أ\\n\\nب', 1)
    """
    own_lines = {headline_key(t) for t in (title, caption, credit) if t}
    unwanted = own_lines | {headline_key(h) for h in headlines if h}
    unwanted.discard("")
    kept, removed = [], 0
    for paragraph in normalize_body(body).split(PARAGRAPH_SEPARATOR):
        if not paragraph:
            continue
        if is_furniture(paragraph) or headline_key(paragraph) in unwanted:
            removed += 1
        else:
            kept.append(paragraph)
    return PARAGRAPH_SEPARATOR.join(kept), removed


def normalize_article(article: dict) -> dict:
    """Every text field of ``article`` normalised (invisible characters, NBSP, spacing); letters untouched.

    Optional text fields that end up empty become None; the body keeps its paragraphs.

    >>> normalize_article({"title": " أ\\u00a0ب\\u200b ", "summary": "\\u200b"})
    {'title': 'أ ب', 'summary': None}
    """
    out = dict(article)
    for name in ("title", "section_name", "summary", "source", "author", "url"):
        if name in out and out[name] is not None:
            out[name] = normalize(out[name]) or (None if name not in ("title", "url") else "")
    if out.get("body") is not None:
        out["body"] = normalize_body(out["body"])
    if out.get("tags"):
        out["tags"] = [{"name": normalize(t.get("name")), "slug": normalize(t.get("slug"))} for t in out["tags"]]
    if out.get("image"):
        image = dict(out["image"])
        image["url"] = normalize(image.get("url"))
        for name in ("caption", "credit"):
            image[name] = normalize(image.get(name)) or None
        out["image"] = image
    if out.get("links"):
        out["links"] = [normalize(link) for link in out["links"] if normalize(link)]
    if out.get("page_headlines"):
        out["page_headlines"] = [normalize(h) for h in out["page_headlines"] if normalize(h)]
    return out
