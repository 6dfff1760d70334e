"""Everything a run is refused for, checked before the crawler exists and before any request.

``check_settings(settings)`` checks every ``RTARABIC_*`` setting against the type
of its default in ``rtarabic/settings.py`` and its own rule (a base URL that is
http(s), a share between 0 and 1, ...), and refuses names the project does not
define (a typo would otherwise be ignored). ``check_archives(paths)`` runs the
archive's start check (``rtarabic.archive.check_archive``) on each archive.
Each raises ``Refusal``: one line naming the argument or file, and the exit
status ``scrapy crawl`` exits with (``rtarabic.health``; README: "Exit statuses").
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from rtarabic.health import EXIT_ARCHIVE, EXIT_USAGE

PREFIX = "RTARABIC_"


@dataclass
class Refusal(Exception):
    """Why a run cannot start: ``message`` (one line) and the exit status."""

    message: str
    status: int = EXIT_USAGE

    def __str__(self) -> str:
        return self.message


def project_defaults() -> dict:
    """Every ``RTARABIC_*`` setting the project defines, with its default."""
    from rtarabic import settings as project

    return {name: value for name, value in vars(project).items() if name.startswith(PREFIX)}


def check_base_url(value) -> None:
    """:raises ValueError: unless ``value`` is an http(s) URL with a host and nothing after its path.

    >>> check_base_url("http://127.0.0.1:8000")
    """
    parts = urlsplit(str(value or "").strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"must be an http:// or https:// URL with a host, not {value!r}")
    if parts.query or parts.fragment:
        raise ValueError(f"must be a bare site URL without query or fragment, not {value!r}")
    _ = parts.port  # raises ValueError for a port that is not a number or out of range


def _at_least(low: float):
    def check(value):
        if not value >= low:  # also refuses NaN
            raise ValueError(f"must be at least {low:g}, not {value!r}")
    return check


def _share(value) -> None:
    if not 0 <= value <= 1:
        raise ValueError(f"must be a share between 0 and 1, not {value!r}")


def _http_codes(value) -> None:
    bad = [code for code in value if not 100 <= code <= 599]
    if bad:
        raise ValueError(f"must list HTTP status codes (100-599), not {bad[0]!r}")


#: Settings read as another type than their default's (48 hours, read with ``getfloat``).
TYPES = {"RTARABIC_REVISIT_HOURS": 0.0, "RTARABIC_SWEEP_HOURS": 0.0}

#: Rules beyond the type of the default, by setting.
RULES = {
    "RTARABIC_BASE_URL": check_base_url,
    "RTARABIC_REVISIT_HOURS": _at_least(0),
    "RTARABIC_SWEEP_HOURS": _at_least(0),
    "RTARABIC_MAX_PAGES": _at_least(0),
    "RTARABIC_ARTICLE_HOPS": _at_least(0),
    "RTARABIC_DB_BATCH_SIZE": _at_least(1),
    "RTARABIC_DB_BATCH_SECONDS": _at_least(0.01),
    "RTARABIC_DB_BUSY_TIMEOUT": _at_least(0),
    "RTARABIC_HEALTH_MAX_FAILED_SHARE": _share,
    "RTARABIC_HEALTH_MAX_FALLBACK_SHARE": _share,
    "RTARABIC_HEALTH_MAX_BLOCKED": _at_least(0),
    "RTARABIC_BACKOFF_HTTP_CODES": _http_codes,
    "RTARABIC_UNREACHABLE_AFTER": _at_least(1),
    "RTARABIC_WARC_MAX_BYTES": _at_least(1),
}


def typed(settings, name: str, default):
    """The setting read with the getter its default's type calls for (ValueError when it does not fit)."""
    if isinstance(default, bool):
        return settings.getbool(name)
    if isinstance(default, int):
        value = settings.get(name)
        if isinstance(value, float) and not value.is_integer() or isinstance(value, str) and "." in value:
            raise ValueError(f"must be a whole number, not {value!r}")
        return settings.getint(name)
    if isinstance(default, float):
        value = settings.getfloat(name)
        if not math.isfinite(value):
            raise ValueError(f"must be a finite number, not {settings.get(name)!r}")
        return value
    if isinstance(default, list | tuple):
        values = settings.getlist(name)
        if default and isinstance(default[0], int):
            return [int(v) for v in values]
        return values
    return settings.get(name)


def check_settings(settings) -> None:
    """Every ``RTARABIC_*`` setting typed and within its rule; unknown ``RTARABIC_*`` names refused.

    :param settings: Scrapy settings (with ``-s`` overrides applied)
    :raises Refusal: naming the setting, exit status 2
    """
    defaults = project_defaults()
    for name in sorted(n for n, _ in settings.items() if n.startswith(PREFIX)):
        if name not in defaults:
            raise Refusal(f"unknown setting -s {name}=: this project defines no such setting (a typo?)")
    for name, default in defaults.items():
        try:
            value = typed(settings, name, TYPES.get(name, default))
            rule = RULES.get(name)
            if rule is not None:
                rule(value)
        except (TypeError, ValueError) as error:
            message = str(error) if str(error).startswith("must") else f"is not a valid value: {error}"
            raise Refusal(f"setting {name}={settings.get(name)!r} {message}") from None


def check_archives(paths: list[str], busy_timeout_ms: int) -> None:
    """The start check of every archive a run uses (``rtarabic.archive.check_archive``).

    :raises Refusal: naming the file and its fault, exit status 5
    """
    from rtarabic.archive import ArchiveUnusable, check_archive

    for path in paths:
        try:
            check_archive(os.fspath(path), busy_timeout_ms=busy_timeout_ms)
        except ArchiveUnusable as error:
            raise Refusal(str(error), EXIT_ARCHIVE) from None


def check_warc_dir(directory: str | None) -> None:
    """``RTARABIC_WARC_DIR`` (empty: no capture) exists, or can be created, and can be written.

    Checked at start so that a misnamed folder is one line before any request, not a run that fetches
    pages it cannot keep (a write that fails later, on a full disk, stops the run: ``rtarabic.capture``).

    :raises Refusal: naming the folder and the fault, exit status 5
    """
    if not directory:
        return
    path = Path(directory)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise Refusal(f"cannot create the WARC folder {path} (RTARABIC_WARC_DIR): {error.strerror or error}",
                      EXIT_ARCHIVE) from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise Refusal(f"cannot write in the WARC folder {path} (RTARABIC_WARC_DIR): permission denied",
                      EXIT_ARCHIVE)


def busy_timeout_ms(settings) -> int:
    """``RTARABIC_DB_BUSY_TIMEOUT`` (seconds) in milliseconds."""
    return int(settings.getfloat("RTARABIC_DB_BUSY_TIMEOUT", 30.0) * 1000)
