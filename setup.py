"""Only for `scrapyd-deploy`, which runs `python setup.py bdist_egg`: the metadata is in pyproject.toml."""

from setuptools import setup

setup()
