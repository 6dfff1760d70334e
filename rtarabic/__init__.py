"""rtarabic: a continuous, searchable archive of RT Arabic (arabic.rt.com)."""

__version__ = "1.0"
