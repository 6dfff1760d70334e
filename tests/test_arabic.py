"""Tests of the Arabic search normaliser (rtarabic/arabic.py) and its SQL functions."""

import sqlite3

import pytest

from rtarabic.arabic import fts_query, normalize_arabic, register_functions, search_tokens


@pytest.mark.parametrize(
    "variants",
    [
        ("مُحَمَّد", "محمد", "ومحمد", "مـحـمـد"),
        ("أحمد", "احمد", "إحمد"),
        ("البيت", "بيت", "وبالبيت", "للبيت", "فالبيت", "كالبيت"),
        ("مدرسة", "مدرسه", "المدرسة"),
        ("مستشفى", "مستشفي", "المستشفى"),
        ("مسؤول", "مسئول"),
        ("آدم", "ادم", "ٱدم"),
        ("فلسطين", "وفلسطين", "الفلسطين"),
        ("وزير", "ووزير", "الوزير"),
    ],
)
def test_spellings_meet(variants):
    assert {normalize_arabic(v) for v in variants} == {normalize_arabic(variants[0])}


@pytest.mark.parametrize(
    "text,expected",
    [
        ("مُحَمَّد", "محمد"),
        ("وبالبيت", "بيت"),
        ("مدرسة", "مدرسه"),
        ("مستشفى", "مستشفي"),
        ("إبراهيم", "ابراهيم"),
        # Too short to lose the article or a conjunction: kept whole.
        ("الم", "الم"),
        ("وفد", "وفد"),
        ("لله", "لله"),
        # Quranic marks go, the superscript (dagger) alef too: news text spells
        # the long vowel with a plain alef, which stays.
        ("ذٰلِكَ ٱلْكِتَٰبُ", "ذلك كتب"),
        ("ذلك الكتابُ", "ذلك كتاب"),
        ("٢٠٢٤ و۱۲", "2024 و12"),
        ("Putin بوتين", "Putin بوتين"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_arabic(text, expected):
    assert normalize_arabic(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [("وبالبيت", "وبالبيت"), ("مُحَمَّدٌ", "محمد"), ("المدرسة", "المدرسه"), ("أحمد", "احمد")],
)
def test_normalize_without_prefix_stripping(text, expected):
    assert normalize_arabic(text, strip_prefixes=False) == expected


def test_normalize_is_idempotent():
    text = "ذهب مُحَمَّد إلى البيت، وفي المستشفى التقى وزير الصحة الفلسطيني"
    once = normalize_arabic(text)
    assert normalize_arabic(once) == once


@pytest.mark.parametrize(
    "text,prefix,expected",
    [
        ("وَمُحَمَّد في البيت", False, '"محمد" "في" "بيت"'),
        ("أحمد", True, '"احمد"*'),
        # FTS5 syntax in user input is quoted away.
        ('محمد OR "x" NEAR(', False, '"محمد" "OR" "x" "NEAR"'),
        ("*** ( )", False, ""),
    ],
)
def test_fts_query(text, prefix, expected):
    assert fts_query(text, prefix=prefix) == expected


def test_search_tokens():
    assert search_tokens("البيت، ومحمد!") == ["بيت", "محمد"]


@pytest.mark.parametrize(
    "sql,expected",
    [
        ("select arabic_normalize('مُحَمَّد')", "محمد"),
        ("select arabic_normalize('وبالبيت')", "بيت"),
        ("select arabic_normalize(null)", None),
        ("select arabic_fts_query('أحمد البيت')", '"احمد" "بيت"'),
        ("select arabic_fts_query('أحمد', 1)", '"احمد"*'),
        ("select arabic_fts_query(null)", None),
    ],
)
def test_register_functions(sql, expected):
    conn = sqlite3.connect(":memory:")
    register_functions(conn)
    assert conn.execute(sql).fetchone()[0] == expected


def test_sql_functions_drive_fts5_search():
    conn = sqlite3.connect(":memory:")
    register_functions(conn)
    conn.execute("create virtual table docs using fts5(body)")
    rows = ["ذهب مُحَمَّد إلى البيت", "أحمد إبراهيم آدم", "بيت صغير", "وبالبيت ضيوف", "المدرسة"]
    conn.executemany("insert into docs (rowid, body) values (?, arabic_normalize(?))", enumerate(rows, 1))

    def found(query):
        sql = "select rowid from docs where docs match arabic_fts_query(?) order by rowid"
        return [r[0] for r in conn.execute(sql, [query])]

    assert found("محمد") == found("ومحمد") == found("مُحَمَّد") == [1]
    assert found("احمد ابراهيم") == [2]
    assert found("بيت") == found("البيت") == [1, 3, 4]
    assert found("مدرسه") == [5]
