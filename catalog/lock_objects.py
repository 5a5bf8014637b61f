"""Row locks for catalog objects, always taken in primary-key order (no deadlocks between checkouts)."""

from __future__ import annotations

from collections.abc import Iterable

from catalog.models import Sku


def skus_lock_in_pk_order(sku_ids: Iterable[int]) -> dict[int, Sku]:
    return {sku.id: sku for sku in Sku.objects.select_for_update().filter(id__in=set(sku_ids)).order_by("id")}
