"""Moved to tests/factories.py (one module for the suite's test data); kept until the last importers switch."""

from tests.factories import ADDRESS, ProductFactory, ShopFactory, SkuFactory, sku_in_shop

__all__ = ["ADDRESS", "ProductFactory", "ShopFactory", "SkuFactory", "sku_in_shop"]
