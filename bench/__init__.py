"""Benchmarks of rtarabic against the offline replica: ``python -m bench`` (or ``make bench``).

Every figure that matters is a ratio against a reference measured in the same run, because
absolute times on a small shared machine are noisy. Results go to bench/RESULTS.md.
"""
