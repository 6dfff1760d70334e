"""The spider's ``-a`` arguments, parsed and checked before anything is fetched.

A bad argument raises ``BadArgument`` with a message that says what is wrong and
what is expected; ``scrapy crawl`` then exits non-zero. The README's "Crawling"
section documents every argument.
"""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from rtarabic import urls as grammar


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


def parse_date(value: str | None, name: str) -> dt.date | None:
    """``YYYY-MM-DD`` -> a date.

    >>> parse_date("2024-06-30", "since")
    datetime.date(2024, 6, 30)
    """
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise BadArgument(f"-a {name}= must be a date YYYY-MM-DD, not {value!r}") from None


def parse_ids(value: str | None) -> tuple[int, int] | None:
    """``FROM-TO`` (inclusive) -> ``(FROM, TO)``.

    >>> parse_ids("1790000-1790099")
    (1790000, 1790099)
    """
    if not value:
        return None
    first, _, last = value.strip().partition("-")
    if not (first.isdigit() and last.isdigit()) or int(first) < 1 or int(first) > int(last):
        raise BadArgument(f"-a ids= must be a range FROM-TO of article ids with FROM <= TO, not {value!r}")
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
) -> CrawlArguments:
    """Every spider argument checked and parsed, or BadArgument."""
    given = _split(urls) + (read_urls_file(urls_file) if urls_file else [])
    if urls_file and not given:
        raise BadArgument(f"-a urls_file={urls_file} holds no URL")
    arguments = CrawlArguments(
        sections=parse_sections(sections),
        tags=_split(tags),
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
