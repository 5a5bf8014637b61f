"""The facets as the search page shows them and the API answers them (FacetsOut): the counts of
catalog.facets laid out as choices — the categories under the chosen one (or its siblings), the provinces with
the most matches, the price bands, the rating steps, "in stock" — each saying whether it is chosen."""

from __future__ import annotations

from decimal import Decimal

from catalog.facets import (
    PRICE_BANDS,
    PROVINCES_SHOWN,
    RATING_SHOWN,
    Filters,
    category_nodes,
    facet_counts,
    node_leaves,
)
from catalog.selectors import category_tree
from common.money import money_str


def facets(filters: Filters) -> dict:
    """The facets as the API answers them (FacetsOut) and the page shows them."""
    counts = facet_counts(filters)
    nodes = category_nodes()

    def subtree_count(node: dict) -> int:
        return sum(counts.category.get(leaf, 0) for leaf in {node["id"], *node_leaves(node)})

    chosen = nodes.get(filters.category) if filters.category else None
    if chosen is None:
        shown = [nodes[root["id"]] for root in category_tree()]
    elif chosen["children"]:
        shown = [nodes[child["id"]] for child in chosen["children"]]
    else:  # a leaf: its siblings
        parent = chosen["parent_node"]
        shown = [nodes[child["id"]] for child in parent["children"]] if parent else [chosen]
    categories = [
        {
            "id": node["id"],
            "name": node["name"],
            "name_en": node["name_en"],
            "count": subtree_count(node),
            "selected": node["id"] == filters.category,
        }
        for node in shown
    ]
    categories = [c for c in categories if c["count"] or c["selected"]]
    categories.sort(key=lambda c: (-c["count"], c["id"]))
    parent = None
    if chosen is not None:
        up = chosen if chosen["children"] else chosen["parent_node"]
        if up is not None:
            parent = {"id": up["id"], "name": up["name"], "name_en": up["name_en"], "count": subtree_count(up)}

    provinces = sorted(counts.province.items(), key=lambda item: (-item[1], item[0]))
    shown_provinces = provinces[:PROVINCES_SHOWN]
    if filters.province and filters.province not in dict(shown_provinces):
        shown_provinces.append((filters.province, counts.province.get(filters.province, 0)))
    prices = []
    for index, (low, high) in enumerate(PRICE_BANDS):
        band_min = Decimal(low)
        band_max = Decimal(high) - Decimal("0.01") if high is not None else None
        prices.append(
            {
                "min_price": money_str(band_min) if low else None,
                "max_price": money_str(band_max) if band_max is not None else None,
                "count": counts.band.get(index, 0),
                "selected": (filters.min_price or Decimal(0)) == band_min and filters.max_price == band_max
                if high is not None
                else filters.min_price == band_min and filters.max_price is None,
            }
        )
    ratings = [
        {
            "min_rating": step,
            "count": sum(n for stars, n in counts.stars.items() if stars >= int(Decimal(step) * 10)),
            "selected": filters.min_rating == Decimal(step),
        }
        for step in RATING_SHOWN
    ]
    return {
        "total": counts.total,
        "category": categories,
        "category_parent": parent,
        "province": [{"value": name, "count": n, "selected": name == filters.province} for name, n in shown_provinces],
        "price": prices,
        "rating": ratings,
        "in_stock": {"count": counts.in_stock, "selected": filters.in_stock},
    }
