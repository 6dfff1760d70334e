"""Fixtures shared by the test suite."""

import os

# Keep tldextract on its bundled suffix list: no network in tests.
os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""
