"""Moved to tests/factories.py (one module for the suite's test data); kept until the last importers switch."""

from tests.factories import image_bytes, leaf_category, make_product, png_header_only, upload

__all__ = ["image_bytes", "leaf_category", "make_product", "png_header_only", "upload"]
