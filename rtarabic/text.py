"""Text normalisation shared by extraction, deduplication and the archive.

Normalising never changes letters: Arabic is stored exactly as published (no
hamza/alef/ta-marbuta folding; that is search-only, see ``rtarabic.arabic``).
It only removes what a reader cannot see and what varies between renderings of
the same text: no-break spaces, zero-width and bidi control characters, and runs
of whitespace.
"""

import hashlib
import re

# Invisible characters that the CMS and copy-pasted wire copy scatter through
# text: zero-width space/joiners, LRM/RLM, the Arabic letter mark, bidi
# embeddings and isolates, word joiner, BOM and soft hyphen.
_INVISIBLE = (
    [0x00AD, 0x061C, 0x180E, 0xFEFF]
    + list(range(0x200B, 0x2010))
    + list(range(0x202A, 0x202F))
    + list(range(0x2060, 0x2065))
    + list(range(0x2066, 0x206A))
)
# One regex scan finds them; str.translate with a mapping costs a lookup per character.
_INVISIBLE_CHARACTERS = re.compile("[" + "".join(re.escape(chr(c)) for c in _INVISIBLE) + "]")


def _visible(text: str) -> str:
    return _INVISIBLE_CHARACTERS.sub("", text) if _INVISIBLE_CHARACTERS.search(text) else text


#: Separator between the paragraphs of a body.
PARAGRAPH_SEPARATOR = "\n\n"


def normalize(text: str | None) -> str:
    """One line of text as stored: invisible characters removed, whitespace collapsed.

    ``str.split()`` already splits on every Unicode space, NBSP (U+00A0) and
    narrow NBSP (U+202F) included.

    >>> normalize("\\u00a0 مرحبا\\u200b  بكم \\n")
    'مرحبا بكم'
    """
    if not text:
        return ""
    return " ".join(_visible(text).split())


def normalize_body(body: str | None) -> str:
    """A body as stored: each paragraph normalised, empty ones dropped, joined by a blank line.

    >>> normalize_body(" أ \\n\\n\\n ب\\u00a0ج ")
    'أ\\n\\nب ج'
    """
    if not body:
        return ""
    paragraphs = (normalize(p) for p in body.replace("\r\n", "\n").split("\n\n"))
    return PARAGRAPH_SEPARATOR.join(p for p in paragraphs if p)


def content_hash(title: str | None, body: str | None) -> str:
    """sha256 hex digest of the normalised title, a newline, and the normalised body.

    Two copies of an article hash alike whatever their whitespace or invisible
    characters; any change of a word changes the hash.
    """
    return normalized_hash(normalize(title), normalize_body(body))


def normalized_hash(title: str, body: str) -> str:
    """``content_hash`` of a title and a body that are normalised already (as extraction makes
    them: ``normalize(title) == title`` and ``normalize_body(body) == body``).

    >>> normalized_hash("أ", "ب") == content_hash(" أ ", "ب\u200b")
    True
    """
    return hashlib.sha256(f"{title}\n{body}".encode()).hexdigest()


def word_count(*texts: str | None) -> int:
    """Whitespace-separated tokens in all ``texts`` (``None`` counts as empty).

    >>> word_count("قال الرئيس", None, "إن\\n\\nالمحادثة بناءة")
    5
    """
    return sum(len(_visible(t).split()) for t in texts if t)


def normalized_word_count(*texts: str | None) -> int:
    """``word_count`` of texts that are normalised already (lines by ``normalize``, bodies by
    ``normalize_body``): their words are separated by one space or one paragraph separator.

    >>> normalized_word_count("قال الرئيس", None, "إن\\n\\nالمحادثة بناءة")
    5
    """
    return sum(t.count(" ") + t.count(PARAGRAPH_SEPARATOR) + 1 for t in texts if t)
