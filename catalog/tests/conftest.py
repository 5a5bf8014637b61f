import pytest


@pytest.fixture(autouse=True)
def _fresh_cache(fresh_cache):
    """Catalogue tests count, rank and suggest from their own data, never from an earlier test's cache."""
