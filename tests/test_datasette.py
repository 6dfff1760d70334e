"""Tests of the Datasette layer: the plugin, datasette/metadata.yml and its canned queries."""

import asyncio
import pathlib
from urllib.parse import urlencode

import pytest
from datasette.app import Datasette

ROOT = pathlib.Path(__file__).resolve().parents[1]
METADATA = ROOT / "datasette" / "metadata.yml"
PLUGINS = ROOT / "datasette" / "plugins"


def get_json(ds, path):
    """GET ``path`` from ``ds`` in-process; the decoded JSON body (asserting a 200)."""
    response = asyncio.run(ds.client.get(path))
    assert response.status_code == 200, response.text
    return response.json()


def test_plugin_loads():
    ds = Datasette(memory=True, plugins_dir=str(PLUGINS))
    assert "rtarabic_functions.py" in {plugin["name"] for plugin in get_json(ds, "/-/plugins.json")}


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("select arabic_normalize('مُحَمَّد')", "محمد"),
        ("select arabic_normalize('أحمد')", "احمد"),
        ("select arabic_normalize('البيت')", "بيت"),
        ("select arabic_fts_query('وَمُحَمَّد في البيت')", '"محمد" "في" "بيت"'),
    ],
)
def test_plugin_registers_arabic_functions(sql, expected):
    ds = Datasette(memory=True, plugins_dir=str(PLUGINS))
    rows = get_json(ds, "/_memory.json?" + urlencode({"sql": sql, "_shape": "arrayfirst"}))
    assert rows == [expected]
