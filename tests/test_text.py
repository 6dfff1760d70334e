"""Text normalisation, content hash and word count (rtarabic/text.py)."""

import hashlib

import pytest

from rtarabic.text import content_hash, normalize, normalize_body, word_count


@pytest.mark.parametrize(
    "text,expected",
    [
        (None, ""),
        ("", ""),
        ("  مرحبا   بكم  ", "مرحبا بكم"),
        ("مرحبا\u00a0بكم", "مرحبا بكم"),  # NBSP
        ("مرحبا\u202fبكم", "مرحبا بكم"),  # narrow NBSP
        ("مر\u200bحبا", "مرحبا"),  # zero-width space
        ("\ufeffبكم\u200f", "بكم"),  # BOM and RLM
        ("سطر\nثان\tثالث", "سطر ثان ثالث"),
        # Letters are stored as published: no hamza, alef maqsura or ta marbuta folding.
        ("إبراهيم أحمد آدم مستشفى مدرسة", "إبراهيم أحمد آدم مستشفى مدرسة"),
        # Vowel marks are letters of the published text too.
        ("مُحَمَّد", "مُحَمَّد"),
    ],
)
def test_normalize(text, expected):
    assert normalize(text) == expected


@pytest.mark.parametrize(
    "body,expected",
    [
        (None, ""),
        ("أ\n\nب", "أ\n\nب"),
        (" أ \n\n\n\n ب\u00a0ج \n\n", "أ\n\nب ج"),
        ("أ\r\n\r\nب", "أ\n\nب"),
        ("\u200b\n\nأ", "أ"),
    ],
)
def test_normalize_body(body, expected):
    assert normalize_body(body) == expected


def test_content_hash_is_sha256_of_title_newline_body():
    expected = hashlib.sha256("عنوان\nفقرة أولى\n\nفقرة ثانية".encode()).hexdigest()
    assert content_hash("عنوان", "فقرة أولى\n\nفقرة ثانية") == expected


def test_content_hash_ignores_invisible_differences_only():
    clean = content_hash("عنوان", "فقرة أولى\n\nفقرة ثانية")
    assert content_hash(" عنوان\u200b", "فقرة\u00a0أولى \n\n\n\nفقرة  ثانية") == clean
    assert content_hash("عنوان", "فقرة أولى\n\nفقرة ثالثة") != clean
    assert content_hash("عنوان آخر", "فقرة أولى\n\nفقرة ثانية") != clean


@pytest.mark.parametrize(
    "texts,expected",
    [
        ((None, None), 0),
        (("قال الرئيس", None), 2),
        (("قال الرئيس", "إن\n\nالمحادثة بناءة"), 5),
        (("\u200b", "كلمة\u00a0أخرى"), 2),
    ],
)
def test_word_count(texts, expected):
    assert word_count(*texts) == expected
