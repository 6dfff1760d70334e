"""Datasette plugin: the archive's Arabic search normaliser as SQL functions.

Loaded with ``--plugins-dir datasette/plugins`` (see the README's "Browsing the
archive with Datasette"). The functions come from ``rtarabic.arabic`` so that
queries are normalised exactly as the search index was.
"""

from datasette import hookimpl
from rtarabic.arabic import register_functions


@hookimpl
def prepare_connection(conn):
    register_functions(conn)
