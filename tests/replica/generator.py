"""The replica's deterministic site model: ``Site`` and the ground truth of every article.

A ``Site`` precomputes only cheap per-id metadata (an ``Entry``: id, date,
sections, layout, tags, fault, short-link code). Text is generated on demand
from a ``random.Random`` seeded with (seed, id), so a 50,000-article site
costs a few megabytes and any page can be rebuilt at any time, identically.

Ids are one time-ordered counter shared with non-article pages (programme
episodes, videos, galleries), anchored on ids seen on the real site (714213 in
2013, 1318541 on 2022-01-28, 1721790 on 2025-10-17, ...), so ids are sparse.

Mutations (``publish``, ``edit``, ``republish``) are deterministic too: doing
the same calls in the same order on two ``Site`` objects built with the same
options leaves them identical, which is how the test fixture keeps its own
``Site`` in step with the server's.
"""

import bisect
import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from random import Random

from . import text as T
from .classes import ClassNames
from .dates import iso_utc, parse_now, tweet_date

#: Section slug -> the Arabic label the page shows (``section_name``).
SECTIONS = {
    "world": "أخبار العالم",
    "middle_east": "أخبار العالم العربي",
    "russia": "أخبار روسيا",
    "business": "اقتصاد",
    "sport": "رياضة",
    "technology": "تكنولوجيا",
    "health": "صحة",
    "society": "مجتمع",
    "press": "الصحافة",
    "news": "أخبار",
    "culture": "ثقافة وفن",
    "science": "علوم",
    "space": "فضاء",
}

#: How often each live section gets an article ("news" is the legacy section of the oldest ids).
SECTION_WEIGHTS = {
    "world": 24, "middle_east": 24, "russia": 10, "business": 8, "sport": 10, "technology": 6,
    "health": 5, "society": 5, "press": 4, "culture": 2, "science": 1, "space": 1,
}

#: Tags: Latin case-preserving slug, Arabic name.
TAGS = [
    ("Corona_virus", "فيروس كورونا"), ("Morocco-news", "أخبار المغرب"), ("mobile", "هواتف ذكية"),
    ("hamas", "حماس"), ("Gaza", "غزة"), ("Ukraine", "أوكرانيا"), ("Putin", "فلاديمير بوتين"),
    ("Trump", "دونالد ترامب"), ("Iran", "إيران"), ("Syria", "سوريا"), ("Egypt", "مصر"),
    ("Saudi_Arabia", "السعودية"), ("football", "كرة القدم"), ("Real_Madrid", "ريال مدريد"),
    ("Lebanon", "لبنان"), ("Israel", "إسرائيل"), ("USA", "الولايات المتحدة"), ("China", "الصين"),
    ("oil", "النفط"), ("space", "الفضاء"), ("artificial_intelligence", "الذكاء الاصطناعي"),
    ("Iraq", "العراق"), ("Algeria", "الجزائر"), ("Turkey", "تركيا"), ("gold", "الذهب"),
    ("Zakharova", "ماريا زاخاروفا"), ("Lavrov", "سيرغي لافروف"), ("AFCON_2025", "كأس أمم إفريقيا 2025"),
]
TAG_NAMES = dict(TAGS)

#: Stories of the header strip: (name, tag the story links to).
STORIES = [
    ("90 دقيقة", "football"), ("العملية العسكرية الروسية في أوكرانيا", "Ukraine"),
    ("خطة ترامب لإنهاء الحرب في غزة", "Gaza"), ("كأس أمم إفريقيا 2025", "AFCON_2025"),
    ("الحرب على إيران", "Iran"), ("نبض الملاعب", "Real_Madrid"), ("ضربات إسرائيلية على لبنان", "Lebanon"),
    ("فيديوهات", "mobile"), ("تسوية النزاع الأوكراني", "Putin"), ("دراما رمضان", "Egypt"),
]

POLLS = [
    "الشخصية القيادية العربية الأكثر تأثيرا عام 2025",
    "أفضل لاعب عربي لهذا الموسم",
    "الحدث الأبرز في الشرق الأوسط هذا العام",
]

#: Article templates (``--template``). The live site serves one template at a time to every id, old
#: or new (2013 and 2017 articles crawled in 2024-26 show today's), so the template is a mode of the
#: replica, not a function of age; "mix" draws one per id so that a single crawl meets all of them.
LAYOUTS = ("classic", "current", "main_article")
TEMPLATES = (*LAYOUTS, "mix")
CREDITS = ["Globallookpress", "Sputnik", "RIA NOVOSTI", "AP", None]
SOURCES = ["RT", "RT", "RT", "RT + وكالات", "RT + وكالات", "ديلي ميل", "وكالة سبوتنيك", "رويترز", None]
AUTHORS = ["رامي الشاعر", "صفوان أبو حلا", "أحمد الحاج علي", "ناصر قنديل"]
EXTERNAL_LINKS = [
    "https://t.me/rtarabictelegram", "https://www.un.org/ar/", "https://tass.ru/",
    "https://twitter.com/RTarabic", "https://www.who.int/ar",
]
PROGRAMMES = ["بالتفاصيل", "قصارى-القول", "رحلة-في-الذاكرة", "حديث-اليوم"]

#: Fault kinds of the default site: how many articles get each, and what a correct crawler ends with.
FAULTS = {
    "gone404": (2, "not-stored", "the article URL answers 404"),
    "gone410": (2, "not-stored", "the article URL answers 410 Gone"),
    "error500_once": (2, "stored", "the first request answers 500; a retry gets the page"),
    "slow": (2, "stored", "the page is delayed by slow_delay seconds"),
    "truncated": (1, "not-stored", "a complete 200 response whose HTML stops mid-body"),
    "dataloss": (1, "not-stored", "Content-Length promises more bytes than are sent"),
    "ddos_guard": (2, "not-stored", "always a 403 DDoS-Guard JavaScript interstitial"),
    "redirect_chain": (2, "stored", "301 to /news/<id>, 302 back to the article with ?hop=2, then 200"),
    "redirect_loop": (1, "not-stored", "301 to /news/<id> which 301s back, forever"),
    "charset_header_cp1256": (1, "stored", "header says windows-1256, body and meta are UTF-8"),
    "charset_header_latin1": (1, "stored", "header says iso-8859-1, body and meta are UTF-8"),
    "charset_cp1256_body": (1, "stored", "body in windows-1256, declared only by the meta tag"),
    "republished": (1, "one-of", "same title/lead/body as an older id; keep one, alias the other"),
}

#: Dated ids from the evidence (shared/rt-site README §2.1), with the 2013 start and the rate in between
#: chosen so that ids grow at about 300 a day from 2022 on, as the anchors of 2022-26 show. The "Nov 2021"
#: ids 1180580-1180904 of the evidence cannot be both Nov 2021 and 300/day before 2022-01-28: the
#: consistent reading puts them in late 2020, so they are no anchor here.
_ID_ANCHORS = [
    (datetime(2013, 1, 1, tzinfo=UTC), 660_000),
    (datetime(2013, 9, 1, tzinfo=UTC), 714_213),  # /news/714213 (p13), "about 2013"
    (datetime(2017, 6, 1, tzinfo=UTC), 871_740),  # /russia/871740 (p12), "about 2017"
    (datetime(2022, 1, 28, tzinfo=UTC), 1_318_541),  # S7, exact
    (datetime(2024, 6, 30, tzinfo=UTC), 1_578_668),  # p03, day 268 of the Gaza war
    (datetime(2024, 9, 28, tzinfo=UTC), 1_605_076),  # p09
    (datetime(2025, 10, 17, tzinfo=UTC), 1_721_790),  # p01, RT's 20th anniversary
    (datetime(2026, 3, 30, tzinfo=UTC), 1_772_835),
    (datetime(2026, 5, 17, tzinfo=UTC), 1_790_098),
]
_IDS_PER_DAY = 300


def id_at(when: datetime) -> int:
    """The site's id counter at a moment (piecewise linear through real ids, 300/day after)."""
    for (t0, i0), (t1, i1) in zip(_ID_ANCHORS, _ID_ANCHORS[1:], strict=False):
        if when <= t1:
            frac = (when - t0).total_seconds() / (t1 - t0).total_seconds()
            return int(i0 + max(frac, 0) * (i1 - i0))
    t_last, i_last = _ID_ANCHORS[-1]
    return int(i_last + (when - t_last).total_seconds() / 86400 * _IDS_PER_DAY)


@dataclass(slots=True)
class Entry:
    """Cheap metadata of one article."""

    id: int
    published: datetime
    section: str
    layout: str
    tags: tuple[str, ...]
    code: str
    also_section: str | None = None
    fault: str | None = None
    content_of: int | None = None  # a republished copy carries this id's text
    version: int = 0  # bumped by each edit
    modified: datetime | None = None  # set by edits
    id_only: bool = False  # canonical URL /news/<id> with no slug (sample p13)


@dataclass(slots=True)
class Other:
    """A page that is not an article: programme episode, video or photo gallery."""

    id: int
    kind: str  # "prg", "video", "photolines"
    published: datetime
    title: str
    slug: str
    programme: str | None = None

    @property
    def path(self) -> str:
        slug = T.encode_slug(self.slug)
        if self.kind == "prg":
            return f"/prg/{slug}-{self.id}/{T.encode_slug(self.programme)}/"
        return f"/{self.kind}/{self.id}-{slug}/"


@dataclass
class Paragraph:
    """A body paragraph: its normalised text, its inner HTML and the hrefs it links to.

    ``wrap`` is how many ``<div>`` wrappers it sits in (0-2) and ``bare`` whether the innermost
    wrapper holds the text itself instead of a ``<p>``; ``br`` is where a ``<br>`` goes: None,
    "inner" (between two sentences) or "trailing". None of them changes the text.
    """

    text: str
    html: str
    hrefs: list[str] = field(default_factory=list)
    wrap: int = 0
    bare: bool = False
    br: str | None = None


#: Kinds of body blocks that are article text (each a paragraph of the truth's body, a list
#: one paragraph per item); every other kind is furniture.
TEXT_KINDS = ("p", "subhead", "list", "quote")
#: Furniture inside the body container (``Article.blocks`` kinds).
FURNITURE_KINDS = ("read_more", "read_more_big", "read_more_text", "also", "crosslink", "photo", "rtcode",
                   "tweet", "video", "ad", "empty")


@dataclass
class Article:
    """Everything an article page shows, generated on demand."""

    entry: Entry
    title: str
    slug: str
    lead: str
    #: In document order: text blocks ``("p", Paragraph)``, ``("subhead", (level, text))``,
    #: ``("list", (ordered, [items]))``, ``("quote", text)``, and furniture (``FURNITURE_KINDS``).
    blocks: list[tuple[str, object]]
    source: str | None
    source_html: str | None
    image: dict | None
    author: str | None
    #: Visible-order variant (samples): "A" (p01, p05, p11), "A-prime" (p03: section label, title
    #: again, tag label and the short link before the lead), "stories-top" (p02: RT STORIES first).
    variant: str = "A"

    @property
    def id(self) -> int:
        return self.entry.id

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [p for kind, p in self.blocks if kind == "p"]

    @property
    def texts(self) -> list[str]:
        """The article's own text blocks in order: the truth's body paragraphs."""
        out = []
        for kind, payload in self.blocks:
            if kind == "p":
                out.append(payload.text)
            elif kind == "subhead":
                out.append(payload[1])
            elif kind == "list":
                out.extend(payload[1])
            elif kind == "quote":
                out.append(payload)
        return out


@dataclass
class Furniture:
    """The boilerplate around an article: stories, cards, sidebars, poll, short link."""

    stories: list[tuple[str, str]]
    story_count: int
    story_headline: int
    rt_stories: list[tuple[str, list[int]]]
    sidebar: list[int]
    bottom: list[int]
    poll: str


#: Labels of body furniture (S1 §3.2: third-party copies keep "إقرأ المزيد"; one scraper deletes
#: "اقرأ أيضا"), and of embeds and ad slots (no evidence names their markup).
READ_MORE_LABEL = "إقرأ المزيد"
ALSO_LABEL = "اقرأ أيضا:"
VIDEO_LABEL = "شاهد الفيديو"
AD_LABEL = "إعلان"
CARD_KINDS = ("read_more", "read_more_big", "read_more_text", "also", "crosslink")

COOKIE_TEXT = "هذا الموقع يستخدم ملفات تعريف الارتباط .بامكانك قراءة شروط الاستخدام لتفعيل هذه الخاصية اضغط هنا"
FIXED_BOILERPLATE = [
    "مباشر", "أين يمكنك متابعتنا", "أقسام مهمة", "Stories", "RT STORIES", "#اسأل_أكثر #Question_More",
    "التعليقات", "تابعوا RT على", COOKIE_TEXT,
]


_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


class Site:
    """A deterministic RT Arabic site.

    >>> site = Site(articles=40, seed=1, now=datetime(2026, 12, 1, 9, tzinfo=UTC))
    >>> truth = site.truth(site.article_ids()[-1])
    >>> truth["published"] < "2026-12-01T09:00:00+00:00"
    True

    :param articles: number of articles (news section = the oldest tenth)
    :param seed: everything derives from it
    :param now: the newest article is dated 3 minutes before; default: now, truncated to the minute
    :param faults: designate the fault articles of ``FAULTS`` (False gives a fault-free site)
    :param layout_drift: serve article pages in an unknown redesign (metas and JSON-LD as before)
    :param template: the article template of every page: "classic", "current", "main_article", or
        "mix" (one drawn per id, so that one crawl meets every template)
    :param base_url: used in truth URLs and canonical links (the server sets it once it listens)
    :param slow_delay: seconds the "slow" fault articles wait before answering
    :param sitemap_limit: URLs per yearly sitemap file before a ``_2`` split
    """

    def __init__(self, articles: int = 300, seed: int = 1, now: datetime | str | None = None,
                 faults: bool = True, layout_drift: bool = False, base_url: str = "https://arabic.rt.com",
                 slow_delay: float = 1.0, sitemap_limit: int | None = None, template: str = "mix"):
        if template not in TEMPLATES:
            raise ValueError(f"unknown template {template!r}: one of {', '.join(TEMPLATES)}")
        self.seed = seed
        self.template = template
        self.classes = ClassNames(seed)
        self.now = now if isinstance(now, datetime) else parse_now(now)
        self.faults = faults
        self.layout_drift = layout_drift
        self.base_url = base_url.rstrip("/")
        self.slow_delay = slow_delay
        # The sitemap protocol's limit; a yearly file is split into _2, _3... beyond it.
        self.sitemap_limit = sitemap_limit or 50_000
        self.lock = threading.RLock()
        self.entries: dict[int, Entry] = {}
        self.ids: list[int] = []  # ascending = oldest first
        self.by_section: dict[str, list[int]] = {s: [] for s in SECTIONS}
        self.by_tag: dict[str, list[int]] = {slug: [] for slug, _ in TAGS}
        self.codes: dict[str, int] = {}
        self.others: dict[int, Other] = {}
        self._mutations = 0
        self.version = 0  # bumped by every change; keys the sitemap cache
        self._build(articles)

    # -- building ---------------------------------------------------------------------------

    def _build(self, n: int) -> None:
        rng = Random(self.seed)
        minute = timedelta(minutes=1)
        newest = self.now - 3 * minute
        recent_n = max(2, min(10, n // 30))
        news_n = max(1, n // 10)
        main_n = max(0, n - news_n - recent_n)
        news_start, news_end = datetime(2013, 1, 1, tzinfo=UTC), datetime(2016, 12, 31, tzinfo=UTC)
        main_start, main_end = datetime(2017, 1, 1, tzinfo=UTC), self.now - timedelta(hours=48)

        def spread(count, start, end):
            span = (end - start).total_seconds()
            return [start + timedelta(seconds=rng.random() * span) for _ in range(count)]

        times = [(t, "news") for t in spread(news_n, news_start, news_end)]
        times += [(t, None) for t in spread(main_n, main_start, main_end)]
        times += [(t, None) for t in spread(recent_n - 1, self.now - timedelta(hours=47), newest - 5 * minute)]
        times.append((newest, None))
        times.sort(key=lambda pair: pair[0])
        sections, weights = zip(*SECTION_WEIGHTS.items(), strict=True)
        last_id = 0
        for when, section in times:
            when = when.replace(second=0, microsecond=0)
            section = section or rng.choices(sections, weights)[0]
            article_id = max(last_id + 1 + rng.randrange(3), id_at(when))
            last_id = article_id
            self._add(self._new_entry(rng, article_id, when, section))
        self._build_others(rng, max(12, n // 8))
        if self.faults:
            self._designate_faults(rng, news_n, recent_n)

    def _new_entry(self, rng: Random, article_id: int, when: datetime, section: str,
                   layout: str | None = None) -> Entry:
        drawn = rng.choices(LAYOUTS, (35, 45, 20))[0]  # drawn whatever the mode: same ids and text in every mode
        layout = layout or (drawn if self.template == "mix" else self.template)
        tag_count = rng.choice((1, 1, 2, 2, 3))
        tags = tuple(dict.fromkeys(rng.choice(TAGS)[0] for _ in range(tag_count)))
        also = None
        if section != "news" and rng.random() < 0.1:
            also = rng.choice([s for s in SECTION_WEIGHTS if s != section])
        entry = Entry(article_id, when, section, layout, tags, self._code_for(article_id), also)
        # A share of the oldest articles is known only as /news/<id> (sample p13).
        entry.id_only = section == "news" and Random(f"{self.seed}:{article_id}:id-only").random() < 0.3
        return entry

    def _code_for(self, article_id: int) -> str:
        """A 4-character base-36 short code like ``xu3w`` (p03): a letter first, any character last,
        at least one digit (so never a path word like "live" or "news"), unique on the site."""
        space = 26 * 36 * 36 * 36
        number = (article_id * 2_654_435_761 + self.seed) % space
        while True:
            rest, last = divmod(number, 36)
            first, middle = divmod(rest, 36 * 36)
            code = _ALPHABET[10 + first] + _ALPHABET[middle // 36] + _ALPHABET[middle % 36] + _ALPHABET[last]
            if code not in self.codes and any(c.isdigit() for c in code):
                return code
            number = (number + 1) % space

    def _add(self, entry: Entry) -> None:
        self.version += 1
        self.entries[entry.id] = entry
        self.codes[entry.code] = entry.id
        self.ids.append(entry.id)
        self.by_section[entry.section].append(entry.id)
        if entry.also_section:
            self.by_section[entry.also_section].append(entry.id)
        for tag in entry.tags:
            self.by_tag[tag].append(entry.id)

    def _build_others(self, rng: Random, count: int) -> None:
        start = datetime(2019, 1, 1, tzinfo=UTC)
        span = (self.now - start).total_seconds()
        for i in range(count):
            when = (start + timedelta(seconds=rng.random() * span)).replace(second=0, microsecond=0)
            other_id = id_at(when)
            while other_id in self.entries or other_id in self.others:
                other_id += 1
            kind = ("prg", "video", "photolines")[i % 3]
            title = T.headline(rng)
            programme = rng.choice(PROGRAMMES) if kind == "prg" else None
            self.others[other_id] = Other(other_id, kind, when, title, T.slugify(title), programme)

    def _designate_faults(self, rng: Random, news_n: int, recent_n: int) -> None:
        candidates = self.ids[news_n: len(self.ids) - recent_n - 5]
        wanted = sum(count for count, _, _ in FAULTS.values()) + 1
        chosen = sorted(rng.sample(candidates, min(wanted, len(candidates))))
        rng.shuffle(chosen)
        for kind, (count, _, _) in FAULTS.items():
            for _ in range(count):
                if kind == "republished":
                    if len(chosen) < 2:
                        return
                    original, copy = sorted((chosen.pop(), chosen.pop()))
                    self.entries[copy].fault = kind
                    self.entries[copy].content_of = original
                elif chosen:
                    self.entries[chosen.pop()].fault = kind

    # -- text -------------------------------------------------------------------------------

    def _rng(self, article_id: int, purpose: str, version: int = 0) -> Random:
        return Random(f"{self.seed}:{article_id}:{purpose}:{version}")

    @lru_cache(maxsize=8192)  # noqa: B019 - one Site per process; bounded
    def _head(self, article_id: int) -> tuple[str, str, str]:
        """(title, original title that the slug keeps, lead) of an article's own text."""
        rng = self._rng(article_id, "head")
        original = T.headline(rng)
        title = T.edited_headline(rng, original) if rng.random() < 0.1 else original
        return title, original, T.lead(rng)

    def _text_id(self, entry: Entry) -> int:
        return entry.content_of or entry.id

    def title(self, article_id: int) -> str:
        """The current headline of an article."""
        return self._head(self._text_id(self.entries[article_id]))[0]

    def slug(self, article_id: int) -> str:
        """The slug, frozen at first publish (it may not match an edited title)."""
        entry = self.entries[article_id]
        if entry.content_of:
            return T.slugify(self.title(entry.content_of))
        return T.slugify(self._head(article_id)[1])

    @lru_cache(maxsize=65536)  # noqa: B019 - slugs never change; encoding them is the costly part of a page
    def encoded_slug(self, article_id: int) -> str:
        return T.encode_slug(self.slug(article_id))

    def path(self, article_id: int, section: str | None = None) -> str:
        """``/<section>/<id>-<percent-encoded slug>/``, or ``/news/<id>`` for an id-only article."""
        entry = self.entries[article_id]
        if entry.id_only:
            return f"/news/{article_id}"
        return f"/{section or entry.section}/{article_id}-{self.encoded_slug(article_id)}/"

    def amp_path(self, article_id: int) -> str:
        """The AMP copy: ``<article path>amp`` (p10), ``/news/<id>/amp`` for an id-only article."""
        path = self.path(article_id)
        return path + "amp" if path.endswith("/") else path + "/amp"

    def url(self, article_id: int) -> str:
        """The canonical URL on this site's base URL."""
        return self.base_url + self.path(article_id)

    def lead(self, article_id: int) -> str:
        return self._head(self._text_id(self.entries[article_id]))[2]

    def article(self, article_id: int) -> Article:
        """The full content of an article page (generated, not cached)."""
        entry = self.entries[article_id]
        text_id = self._text_id(entry)
        text_entry = self.entries[text_id]
        title, _, lead = self._head(text_id)
        rng = self._rng(text_id, "body")
        paragraphs = [T.paragraph(rng) for _ in range(rng.randint(3, 8))]
        version = text_entry.version if entry.content_of is None else 0
        if version:
            edit_rng = self._rng(text_id, "edit", version)
            paragraphs[0] = T.paragraph(edit_rng)
            paragraphs.append(f"(تحديث) {T.paragraph(edit_rng)}")
        if rng.random() < 0.1:
            paragraphs.insert(0, lead)  # the lead repeated as the first paragraph (p13)
        # Chosen by the text's id: a republished copy carries the same cards and quotations.
        others = self._pick_others(self._rng(text_id, "links"), text_id, 6)
        blocks = self._text_blocks(rng, paragraphs)
        if rng.random() < 0.3:
            quoted = T.quoting_paragraph(self.title(others[1]))
            href = self.path(others[1])
            html = T.dirty_html(rng, quoted).replace(
                "«", f'«<a href="{href}">', 1).replace("»", "</a>»", 1)
            blocks.insert(len(blocks) - 1, ("p", Paragraph(quoted, html, [href])))
        for furniture in self._body_furniture(rng, others, text_id):
            blocks.insert(rng.randint(0, len(blocks)), furniture)
        source = rng.choice(SOURCES)
        source_html = None
        if source:
            source_html = (f"<strong>المصدر:</strong> {source}" if rng.random() < 0.3
                           else f"المصدر: {source}")
        image = self.image(article_id)
        author = rng.choice(AUTHORS) if entry.layout != "classic" and rng.random() < 0.2 else None
        variant = rng.choices(("A", "A-prime", "stories-top"), (6, 2, 2))[0]
        return Article(entry, title, self.slug(article_id), lead, blocks, source, source_html, image,
                       author, variant)

    def _text_blocks(self, rng: Random, paragraphs: list[str]) -> list[tuple[str, object]]:
        """Paragraphs as real bodies carry them: some in one or two wrapper divs (on some pages all
        of them), an inner or trailing ``<br>``, links inside sentences, subheads, lists, quotations."""
        wrapping = rng.choices(("none", "some", "all"), (4, 4, 2))[0]
        blocks: list[tuple[str, object]] = []
        for i, text in enumerate(paragraphs):
            para = self._paragraph(rng, text, i)
            if wrapping == "all" or (wrapping == "some" and rng.random() < 0.4):
                para.wrap = rng.choice((1, 1, 2))
                para.bare = not para.hrefs and rng.random() < 0.15
            if not para.bare:
                roll = rng.random()
                if roll < 0.12 and ". " in text:
                    para.br = "inner"
                elif roll < 0.2:
                    para.br = "trailing"
            blocks.append(("p", para))
        if len(blocks) > 2 and rng.random() < 0.4:
            for _ in range(rng.choice((1, 1, 2))):
                blocks.insert(rng.randint(1, len(blocks) - 1), ("subhead", (rng.choice((2, 3)), T.subhead(rng))))
        if rng.random() < 0.3:
            items = [T.list_item(rng) for _ in range(rng.randint(2, 4))]
            blocks.insert(rng.randint(1, len(blocks)), ("list", (rng.random() < 0.4, items)))
        if rng.random() < 0.25:
            blocks.insert(rng.randint(1, len(blocks)), ("quote", T.quotation(rng)))
        return blocks

    def _body_furniture(self, rng: Random, others: list[int], article_id: int) -> list[tuple[str, object]]:
        """Furniture inside the body container: a read-more card of one of the evidenced kinds
        (S1 §3.2, RT English), and on some pages a second card, "اقرأ أيضا:" lines, cross-links,
        in-body photos, rtcode and social embeds, a video with or without its label, ad slots and
        empty paragraphs. Positions are drawn by the caller."""
        card = rng.choice(("read_more", "read_more_big", "read_more_text"))
        found: list[tuple[str, object]] = [(card, others[0])]
        if rng.random() < 0.3:
            found.append(("also", others[3]))
        if rng.random() < 0.2:
            found.append((rng.choice(("read_more", "read_more_big", "read_more_text")), others[4]))
        if rng.random() < 0.15:
            found.append(("crosslink", others[2]))
        if rng.random() < 0.25:
            when = self.entries[article_id].published
            found.append(("photo", {
                "url": f"https://cdni.rt.com/media/pics/{when:%Y.%m}/original/{rng.getrandbits(96):024x}.jpg",
                "caption": rng.choice(["صورة أرشيفية", rng.choice(T.PLACES), T.headline(rng)]),
                "credit": rng.choice(CREDITS)}))
        if rng.random() < 0.15:
            found.append(("rtcode", f"rtarabictelegram/{rng.randrange(10_000, 99_999)}"))
        if rng.random() < 0.3:
            found.append(("tweet", T.headline(rng)))
        if rng.random() < 0.3:
            found.append(("video", (f"https://www.youtube.com/embed/{rng.getrandbits(40):010x}", rng.random() < 0.5)))
        for _ in range(rng.choice((0, 0, 1, 2))):
            found.append(("ad", rng.randrange(1, 5)))
        for _ in range(rng.choice((0, 1, 2))):
            found.append(("empty", rng.choice(("", "&nbsp;", " "))))
        return found

    def image(self, article_id: int) -> dict | None:
        """The cover photo {url, caption, credit} or None (one article in ten has none)."""
        text_id = self._text_id(self.entries[article_id])
        rng = self._rng(text_id, "image")
        if rng.random() >= 0.9:
            return None
        when = self.entries[text_id].published
        caption = self.title(text_id) if rng.random() < 0.7 else rng.choice(["صورة أرشيفية", rng.choice(T.PLACES)])
        return {
            "url": f"https://cdni.rt.com/media/pics/{when:%Y.%m}/original/{rng.getrandbits(96):024x}.jpg",
            "caption": caption,
            "credit": rng.choice(CREDITS),
        }

    def cover_url(self, article_id: int) -> str | None:
        image = self.image(article_id)
        return image["url"] if image else None

    def _paragraph(self, rng: Random, body_text: str, index: int) -> Paragraph:
        html = T.dirty_html(rng, body_text)
        hrefs = []
        if rng.random() < 0.25:
            words = body_text.split(" ")
            if len(words) > 4:
                phrase = " ".join(words[1:3])
                href = rng.choice(EXTERNAL_LINKS) if rng.random() < 0.5 else self._internal_href(rng)
                escaped = T.html.escape(phrase, quote=False)
                if escaped in html:
                    html = html.replace(escaped, f'<a href="{T.html.escape(href)}">{escaped}</a>', 1)
                    hrefs.append(href)
        return Paragraph(body_text, html, hrefs)

    def _internal_href(self, rng: Random) -> str:
        choice = rng.randrange(3)
        if choice == 0:
            return f"/tags/{rng.choice(TAGS)[0]}/"
        return self.path(self.ids[rng.randrange(len(self.ids))])

    def _pick_others(self, rng: Random, article_id: int, count: int, *, recent: bool = False) -> list[int]:
        """Other healthy articles for sidebars and cards (never the article itself or a fault article).

        Page furniture shows recent news (the newest 200 ids); in-body cards link neighbours
        (within 60 ids either side), which also keeps the headline cache warm during a crawl.
        """
        ids = self.ids
        if recent:
            pool = ids[-200:]
        else:
            at = bisect.bisect_left(ids, article_id)
            pool = ids[max(0, at - 60):at + 60]
        picked: list[int] = []
        for _ in range(count * 4):
            other = pool[rng.randrange(len(pool))]
            if other != article_id and other not in picked and not self.entries[other].fault:
                picked.append(other)
                if len(picked) == count:
                    break
        # Tiny sites: fall back to the newest healthy ids, repeating them if need be.
        healthy = [i for i in reversed(ids[-count * 3:]) if i != article_id and not self.entries[i].fault]
        healthy = healthy or [i for i in ids if i != article_id] or [article_id]
        while len(picked) < count:
            picked.append(healthy[len(picked) % len(healthy)])
        return picked

    def furniture(self, article_id: int) -> Furniture:
        """The boilerplate of an article's page."""
        rng = self._rng(article_id, "furniture")
        others = self._pick_others(rng, article_id, 22, recent=True)
        stories = rng.sample(STORIES, rng.randint(4, 7))
        return Furniture(
            stories=stories,
            story_count=rng.randint(20, 80),
            story_headline=others[0],
            rt_stories=[(stories[0][0], others[1:5]), (stories[1][0], others[5:9])],
            sidebar=others[9:16],
            bottom=others[16:22],
            poll=rng.choice(POLLS),
        )

    # -- truth ------------------------------------------------------------------------------

    def article_ids(self) -> list[int]:
        """Every article id, oldest first (fault articles included)."""
        return list(self.ids)

    def truth(self, article_id: int) -> dict:
        """The exact item a correct crawler extracts from this article's page (no crawled_at,
        word_count, content_hash)."""
        entry = self.entries[article_id]
        art = self.article(article_id)
        links = []
        for para in art.paragraphs:
            for href in para.hrefs:
                absolute = self.base_url + href if href.startswith("/") else href
                if absolute not in links:
                    links.append(absolute)
        modified = self.truth_modified(article_id)
        image = dict(art.image) if art.image else None
        return {
            "id": article_id,
            "url": self.url(article_id),
            "section": entry.section,
            "section_name": SECTIONS[entry.section],
            "title": art.title,
            "summary": art.lead,
            "body": "\n\n".join(art.texts),
            "source": art.source,
            "published": iso_utc(entry.published),
            "modified": modified,
            "author": art.author,
            "tags": [{"name": TAG_NAMES[slug], "slug": slug} for slug in entry.tags],
            "image": image,
            "links": links,
            "language": "ar",
        }

    def truth_modified(self, article_id: int) -> str | None:
        """The modified date the page shows: none on classic pages."""
        entry = self.entries[article_id]
        if entry.layout == "classic":
            return None
        return iso_utc(self.modified_at(article_id))

    def _default_modified(self, entry: Entry) -> datetime:
        """Some articles were touched after publishing; minute precision like everything else."""
        extra = Random(f"{self.seed}:{entry.id}:modified").choice((0, 0, 0, 7, 45, 180))
        touched = entry.published + timedelta(minutes=extra)
        return touched if touched < self.now else entry.published

    def modified_at(self, article_id: int) -> datetime:
        """When the article last changed (sitemap lastmod), whatever its layout shows."""
        entry = self.entries[article_id]
        return entry.modified or self._default_modified(entry)

    def boilerplate(self, article_id: int) -> list[str]:
        """Every boilerplate string on the article's page: headlines of other articles, story names,
        poll, cookie banner, widget labels. None of them may end up in an extracted body."""
        furniture = self.furniture(article_id)
        art = self.article(article_id)
        fixed = list(FIXED_BOILERPLATE)
        if art.variant == "A-prime" and self.entries[article_id].layout != "classic" and not self.layout_drift:
            fixed.append("انسخ الرابط")
        if any(kind in ("read_more", "read_more_text") for kind, _ in art.blocks):
            fixed.append(READ_MORE_LABEL)
        return fixed + [name for name, _ in furniture.stories] + [
            f"{furniture.story_count} خبر", f'اختر "{furniture.poll}"!'] + self.headlines(article_id)

    def headlines(self, article_id: int) -> list[str]:
        """Headlines of other articles linked from the page outside its own paragraphs."""
        furniture = self.furniture(article_id)
        art = self.article(article_id)
        ids = [furniture.story_headline] + [i for _, group in furniture.rt_stories for i in group]
        ids += furniture.sidebar + furniture.bottom
        ids += [payload for kind, payload in art.blocks if kind in CARD_KINDS]
        return list(dict.fromkeys(self.title(i) for i in ids))

    def furniture_texts(self, article_id: int) -> list[str]:
        """The visible text of every furniture block inside the body container, one string a block
        (as ``pages`` renders them): none of it may end up in an extracted body."""
        art = self.article(article_id)
        texts = []
        for kind, payload in art.blocks:
            if kind == "read_more":
                texts += [READ_MORE_LABEL, self.title(payload)]
            elif kind == "read_more_big":
                texts.append(self.title(payload))
            elif kind == "read_more_text":
                texts.append(f"{READ_MORE_LABEL}: {self.title(payload)}")
            elif kind == "also":
                texts.append(f"{ALSO_LABEL} {self.title(payload)}")
            elif kind == "crosslink":
                texts.append(self.title(payload))
            elif kind == "photo":
                texts += [t for t in (payload["caption"], payload["credit"]) if t]
            elif kind == "tweet":
                texts += [payload, f"— RT Arabic (@RTarabic) {tweet_date(self.entries[article_id].published)}"]
            elif kind == "video" and payload[1]:
                texts.append(VIDEO_LABEL)
            elif kind == "ad":
                texts.append(AD_LABEL)
        return texts

    def expectation(self, article_id: int) -> tuple[str, str]:
        """(outcome, reason) a correct crawler ends with: "stored", "not-stored" or "one-of"."""
        entry = self.entries[article_id]
        if entry.fault:
            _, outcome, reason = FAULTS[entry.fault]
            return outcome, reason
        if self.layout_drift:
            return "stored", "layout drift: metas and JSON-LD as before, body read by a generic extractor"
        return "stored", "healthy"

    def details(self, article_id: int) -> dict:
        """What the replica knows besides the item: layout, fault, expectation, boilerplate."""
        entry = self.entries[article_id]
        outcome, reason = self.expectation(article_id)
        art = self.article(article_id)
        details = {
            "layout": "drift" if self.layout_drift else entry.layout,
            "template": self.template,
            "variant": art.variant,
            "blocks": [kind for kind, _ in art.blocks],
            "furniture": self.furniture_texts(article_id),
            "fault": entry.fault,
            "expect": outcome,
            "reason": reason,
            "short_code": entry.code,
            "also_section": entry.also_section,
            "duplicate_of": entry.content_of,
            "headlines": self.headlines(article_id),
            "boilerplate": self.boilerplate(article_id),
        }
        return details

    def truth_document(self) -> dict:
        """The whole ground truth: options and one record per article (item fields + "replica")."""
        records = []
        for article_id in self.ids:
            record = self.truth(article_id)
            record["replica"] = self.details(article_id)
            records.append(record)
        return {"base_url": self.base_url, "now": iso_utc(self.now), "seed": self.seed,
                "template": self.template, "layout_drift": self.layout_drift, "faults": self.faults,
                "articles": records}

    def dump_truth(self, path) -> None:
        """Write ``truth_document()`` as UTF-8 JSON."""
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(self.truth_document(), handle, ensure_ascii=False, indent=1)

    def fault_ids(self, kind: str) -> list[int]:
        """Ids of the articles designated with fault ``kind``."""
        return [i for i in self.ids if self.entries[i].fault == kind]

    def expected_ids(self) -> list[int]:
        """Ids a correct full crawl stores. For a republished pair ("one-of") the crawler keeps
        one id and records the other as an alias; this list counts the older one."""
        return [i for i in self.ids if self.expectation(i)[0] == "stored"]

    # -- listings ---------------------------------------------------------------------------

    def listing(self, ids: list[int], page: int, limit: int) -> list[int]:
        """Page ``page`` (0-based) of ``ids`` newest first."""
        end = len(ids) - page * limit
        if page < 0 or end <= 0:
            return []
        return ids[max(0, end - limit):end][::-1]

    def newest(self, count: int, section: str | None = None) -> list[int]:
        ids = self.by_section[section] if section else self.ids
        return self.listing(ids, 0, count)

    def year_ids(self) -> dict[int, list[int]]:
        """Article and non-article ids by publication year, ascending."""
        years: dict[int, list[int]] = {}
        for i in sorted(list(self.ids) + list(self.others)):
            when = self.entries[i].published if i in self.entries else self.others[i].published
            years.setdefault(when.year, []).append(i)
        return years

    def trend_ids(self) -> dict[str, str]:
        """Story name -> its trend id (24 hex digits, Mongo ObjectId-like, §2.3): the four ids the
        evidence shows first, then ids of the same shape."""
        known = ["53b3dec4611e9bcb608b45bf", "53b3df9e611e9b8e648b45c9", "53b3d769611e9b8e648b456a",
                 "53b3df46611e9bca608b45c8"]
        rng = Random(f"{self.seed}:trends")
        ids = known + [f"53b3{rng.getrandbits(80):020x}" for _ in range(len(STORIES) - len(known))]
        return {name: trend for (name, _), trend in zip(STORIES, ids, strict=True)}

    def trend_listing(self, trend_id: str) -> list[int] | None:
        """The ids of a trend's listing (the articles of its story's tag), or None for an unknown id."""
        for (_, slug), trend in zip(STORIES, self.trend_ids().values(), strict=True):
            if trend == trend_id:
                return self.by_tag[slug]
        return None

    def lookup_code(self, code: str) -> int | None:
        return self.codes.get(code)

    def is_article(self, article_id: int) -> bool:
        return article_id in self.entries

    # -- mutations --------------------------------------------------------------------------

    def _clock(self) -> datetime:
        """The time of the next mutation: one minute after the newest date the site holds."""
        self._mutations += 1
        latest = max([self.entries[self.ids[-1]].published]
                     + [e.modified for e in self.entries.values() if e.modified])
        return latest + timedelta(minutes=1)

    def _next_id(self, rng: Random) -> int:
        return max(self.ids[-1], max(self.others, default=0)) + 1 + rng.randrange(1, 40)

    def publish(self, count: int = 1) -> list[int]:
        """Add ``count`` new articles at the top of every listing and feed; returns their ids."""
        with self.lock:
            new = []
            for _ in range(count):
                when = self._clock()
                rng = Random(f"{self.seed}:publish:{self._mutations}")
                section = rng.choices(*zip(*SECTION_WEIGHTS.items(), strict=True))[0]
                entry = self._new_entry(rng, self._next_id(rng), when, section)
                self._add(entry)
                new.append(entry.id)
            return new

    def edit(self, article_id: int) -> dict:
        """Rewrite part of the body and bump the modified date (same id, same slug)."""
        with self.lock:
            entry = self.entries[article_id]
            entry.modified = self._clock()
            entry.version += 1
            self.version += 1
            return self.truth(article_id)

    def republish(self, article_id: int) -> int:
        """A new id carrying the same title, lead and body, newest in listings; returns the id."""
        with self.lock:
            original = self.entries[article_id]
            when = self._clock()
            rng = Random(f"{self.seed}:republish:{self._mutations}")
            entry = Entry(self._next_id(rng), when, original.section, original.layout, original.tags,
                          "", content_of=original.content_of or article_id)
            entry.code = self._code_for(entry.id)
            self._add(entry)
            return entry.id

    def set_drift(self, on: bool) -> None:
        self.layout_drift = on
