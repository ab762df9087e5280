"""Benchmarks: each module runs with ``python -m bench.<name>`` and prints a table of figures.

Targets are checked by reading the figures (ratios against a baseline measured in the same run), never asserted in tests.
"""
