"""An offline replica of arabic.rt.com for tests and demos.

``Site`` (generator.py) is the deterministic site model and its ground truth;
``server.py`` serves it over HTTP; ``python -m tests.replica --port 0`` starts it
and prints its base URL. See ``__main__.py`` for the options.
"""

from .generator import FAULTS, LAYOUTS, SECTIONS, TAGS, TEMPLATES, Site

__all__ = ["FAULTS", "LAYOUTS", "SECTIONS", "TAGS", "TEMPLATES", "Site"]
