"""Moved to tests/factories.py (one module for the suite's test data); kept until the last importers switch."""

from tests.factories import make_show

__all__ = ["make_show"]
