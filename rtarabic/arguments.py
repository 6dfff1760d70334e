"""The spider's ``-a`` arguments, parsed and checked before anything is fetched.

A bad argument raises ``BadArgument`` with a message that says what is wrong and
what is expected; ``scrapy crawl`` refuses it in one line, with exit status 2,
before the crawler exists. The README's "Crawling" section documents every argument.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from rtarabic import urls as grammar

#: The spider's arguments. Names starting with ``_`` are passed by schedulers (Scrapyd's ``_job``).
ARGUMENT_NAMES = ("sections", "tags", "max_pages", "urls", "urls_file", "since", "until", "ids")

#: Most ids one ``-a ids=FROM-TO`` run may request: at the polite default rate (about one request a
#: second) 200,000 ids take two to three days; a wider backfill is split into chunks (README: "Backfills
#: beside cron").
MAX_ID_RANGE = 200_000

#: The window ``since``/``until`` must fall in: RT Arabic started in 2007; the end is checked against today.
EARLIEST_DATE = dt.date(2007, 1, 1)

#: A tag slug as the site writes them in ``/tags/<slug>/``: Latin letters, digits, ``_`` and ``-``.
TAG_SLUG = re.compile(r"[A-Za-z0-9_-]{1,100}")


class BadArgument(ValueError):
    """A spider argument that cannot be used."""


@dataclass
class CrawlArguments:
    sections: list[str] = field(default_factory=lambda: list(grammar.SECTIONS))
    tags: list[str] = field(default_factory=list)
    max_pages: int | None = None
    urls: list[str] = field(default_factory=list)
    since: dt.date | None = None
    until: dt.date | None = None
    ids: tuple[int, int] | None = None
    warc: list[Path] = field(default_factory=list)

    @property
    def explicit(self) -> bool:
        """Whether the run fetches exactly the given article URLs and nothing else."""
        return bool(self.urls)


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").replace("\n", ",").split(",") if part.strip()]


def parse_sections(value: str | None) -> list[str]:
    """``world,sport`` -> ``["world", "sport"]``; empty means every section.

    >>> parse_sections("sport, world")
    ['sport', 'world']
    """
    sections = _split(value)
    unknown = [s for s in sections if s not in grammar.SECTIONS]
    if unknown:
        raise BadArgument(
            f"unknown section(s) {', '.join(unknown)} in -a sections=; known: {', '.join(grammar.SECTIONS)}"
        )
    return sections or list(grammar.SECTIONS)


def parse_max_pages(value: str | int | None) -> int | None:
    """A positive page count, or None (no argument).

    >>> parse_max_pages("3")
    3
    """
    if value is None or value == "":
        return None
    try:
        pages = int(value)
    except (TypeError, ValueError):
        pages = 0
    if pages < 1 or str(value).strip() != str(pages):
        raise BadArgument(f"-a max_pages= must be a positive whole number, not {value!r}")
    return pages


def parse_tags(value: str | None) -> list[str]:
    """``Gaza,Corona_virus`` -> the tag slugs; anything but the site's slug alphabet is refused.

    >>> parse_tags("Gaza, Corona_virus")
    ['Gaza', 'Corona_virus']
    """
    tags = _split(value)
    bad = [t for t in tags if not TAG_SLUG.fullmatch(t)]
    if bad:
        raise BadArgument(
            f"-a tags= takes tag slugs as in /tags/<slug>/ (Latin letters, digits, _ and -), not {bad[0]!r}"
        )
    return tags


def parse_date(value: str | None, name: str, today: dt.date | None = None) -> dt.date | None:
    """``YYYY-MM-DD`` -> a date, between ``EARLIEST_DATE`` and tomorrow (UTC).

    >>> parse_date("2024-06-30", "since")
    datetime.date(2024, 6, 30)
    """
    if not value:
        return None
    try:
        date = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise BadArgument(f"-a {name}= must be a date YYYY-MM-DD, not {value!r}") from None
    latest = (today or dt.datetime.now(dt.UTC).date()) + dt.timedelta(days=1)
    if not EARLIEST_DATE <= date <= latest:
        raise BadArgument(f"-a {name}={value} is outside the archive's window {EARLIEST_DATE} to {latest}")
    return date


def parse_ids(value: str | None) -> tuple[int, int] | None:
    """``FROM-TO`` (inclusive) -> ``(FROM, TO)``.

    >>> parse_ids("1790000-1790099")
    (1790000, 1790099)
    """
    if not value:
        return None
    first, _, last = value.strip().partition("-")
    if not (first.isascii() and first.isdigit() and last.isascii() and last.isdigit()) \
            or int(first) < 1 or int(first) > int(last):
        raise BadArgument(f"-a ids= must be a range FROM-TO of article ids with FROM <= TO, not {value!r}")
    if int(last) - int(first) + 1 > MAX_ID_RANGE:
        raise BadArgument(
            f"-a ids={value} spans {int(last) - int(first) + 1:,} ids; at most {MAX_ID_RANGE:,} per run "
            "(split the range into chunks)"
        )
    return int(first), int(last)


def parse_warc(value: str | None) -> list[Path]:
    """``-a warc=PATH``: a WARC file, or a folder whose ``*.warc.gz``/``*.warc`` files are read by name.

    >>> parse_warc(None)
    []
    """
    if not value:
        return []
    from rtarabic.replay import warc_paths

    try:
        return warc_paths(value.strip())
    except ValueError as error:
        raise BadArgument(f"-a warc=: {error}") from None


def read_urls_file(path: str) -> list[str]:
    """The non-blank, non-comment lines of ``path``."""
    try:
        text = Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise BadArgument(f"cannot read -a urls_file={path}: {error}") from None
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def check_article_urls(given: list[str], base_url: str) -> list[str]:
    """The canonical form of each article URL in ``given``; any other URL is a BadArgument."""
    bad = [u for u in given if grammar.article_id(u, base_url) is None]
    if bad:
        shown = ", ".join(bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
        raise BadArgument(f"not article URLs (expected <base>/<section>/<id>-<slug>/): {shown}")
    return [grammar.canonicalize(u, base_url) for u in given]


def parse_arguments(
    base_url: str,
    *,
    sections=None,
    tags=None,
    max_pages=None,
    urls=None,
    urls_file=None,
    since=None,
    until=None,
    ids=None,
    warc=None,
    **unknown,
) -> CrawlArguments:
    """Every spider argument checked and parsed, or BadArgument (an unknown name too)."""
    check_names(unknown)
    given = _split(urls) + (read_urls_file(urls_file) if urls_file else [])
    if urls_file and not given:
        raise BadArgument(f"-a urls_file={urls_file} holds no URL")
    arguments = CrawlArguments(
        sections=parse_sections(sections),
        tags=parse_tags(tags),
        max_pages=parse_max_pages(max_pages),
        urls=check_article_urls(given, base_url),
        since=parse_date(since, "since"),
        until=parse_date(until, "until"),
        ids=parse_ids(ids),
        warc=parse_warc(warc),
    )
    if arguments.warc and (given or since or until or ids):
        raise BadArgument("-a warc= re-extracts stored pages; it cannot be combined with urls, since, until or ids")
    if arguments.since and arguments.until and arguments.since > arguments.until:
        raise BadArgument(f"-a since={arguments.since} is after -a until={arguments.until}")
    return arguments


def check_names(names) -> None:
    """:raises BadArgument: for a name that is not a spider argument (``_``-names of schedulers pass).

    >>> check_names(["ids", "_job"])
    """
    unknown = sorted(n for n in names if n not in ARGUMENT_NAMES and not n.startswith("_"))
    if unknown:
        raise BadArgument(f"unknown argument -a {unknown[0]}=; known: {', '.join(ARGUMENT_NAMES)}")
