"""Moved to tests/factories.py (one module for the suite's test data); kept until the last importers switch."""

from tests.factories import PASSWORD, UserFactory, token_for

__all__ = ["PASSWORD", "UserFactory", "token_for"]
