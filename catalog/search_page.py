"""What the search page shows beside the results: facets as links, chips for the filters on, and when nothing
is found "did you mean" and related categories. Every link works without JavaScript."""

from __future__ import annotations

from urllib.parse import urlencode

from django.utils.translation import gettext

from catalog.facets import Filters, facet_counts, search_results
from catalog.facets_shown import facets
from catalog.selectors import category_tree
from catalog.suggest import did_you_mean

RELATED_CATEGORIES = 6


def _url(params: dict, **changes) -> str:
    """?query with `changes` applied (None removes a parameter); always back to the first page."""
    merged = {k: v for k, v in params.items() if k != "page"}
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return "?" + urlencode(merged)


def _label(node: dict, language: str) -> str:
    return (node.get("name_en") or node["name"]) if language == "en" else node["name"]


def _yuan(value: str | None) -> str:
    return ("¥" + value.removesuffix(".00")) if value else ""


def _price_label(low: str | None, high: str | None) -> str:
    if low and high:
        return f"{_yuan(low)} – {_yuan(high)}"
    if high:
        return gettext("Under %(price)s") % {"price": _yuan(high)}
    return gettext("%(price)s and up") % {"price": _yuan(low)}


def _facets_with_links(found: dict, params: dict, language: str) -> dict:
    for item in found["category"]:
        item["label"] = _label(item, language)
        item["href"] = _url(params, category=None if item["selected"] else item["id"])
    if found["category_parent"]:
        parent = found["category_parent"]
        parent["label"] = _label(parent, language)
        parent["href"] = _url(params, category=parent["id"])
        parent["up_href"] = _url(params, category=None)
    for item in found["province"]:
        item["href"] = _url(params, province=None if item["selected"] else item["value"])
    for item in found["price"]:
        item["label"] = _price_label(item["min_price"], item["max_price"])
        item["href"] = (
            _url(params, min_price=None, max_price=None)
            if item["selected"]
            else _url(params, min_price=item["min_price"], max_price=item["max_price"])
        )
    for item in found["rating"]:
        item["href"] = _url(params, min_rating=None if item["selected"] else item["min_rating"])
    stock = found["in_stock"]
    stock["href"] = _url(params, in_stock=None if stock["selected"] else "true")
    return found


def _chips(params: dict, data: dict, language: str) -> list[dict]:
    """The filters on, each with a link that removes it."""
    chips = []
    if data.get("category"):
        node = _find(category_tree(), data["category"])
        if node:
            chips.append({"label": _label(node, language), "href": _url(params, category=None)})
    if data.get("province"):
        chips.append({"label": "📍 " + data["province"], "href": _url(params, province=None)})
    low, high = params.get("min_price"), params.get("max_price")
    if data.get("min_price") is not None or data.get("max_price") is not None:
        low = f"{data['min_price']:.2f}" if data.get("min_price") is not None else None
        high = f"{data['max_price']:.2f}" if data.get("max_price") is not None else None
        chips.append({"label": _price_label(low, high), "href": _url(params, min_price=None, max_price=None)})
    if data.get("min_rating"):
        label = gettext("Shop rating %(stars)s+") % {"stars": data["min_rating"]}
        chips.append({"label": "★ " + label, "href": _url(params, min_rating=None)})
    if data.get("in_stock"):
        chips.append({"label": gettext("In stock"), "href": _url(params, in_stock=None)})
    return chips


def _find(nodes: list[dict], category_id: int) -> dict | None:
    for node in nodes:
        if node["id"] == category_id:
            return node
        found = _find(node["children"], category_id)
        if found:
            return found
    return None


def _nothing_found(q: str, params: dict, language: str) -> dict:
    """ "Did you mean" (the nearest terms that have listings), then the categories they are found in; without
    a near term, the top categories."""
    suggestions = []
    for term in did_you_mean(q, language=language):
        if search_results({"q": term}).exists():
            suggestions.append({"text": term, "href": _url({"q": term})})
        if len(suggestions) == 2:
            break
    related = []
    if suggestions:
        counts = facet_counts(Filters(q=suggestions[0]["text"]))
        tree = category_tree()
        for leaf_id, n in sorted(counts.category.items(), key=lambda item: -item[1])[:RELATED_CATEGORIES]:
            node = _find(tree, leaf_id)
            if node:
                related.append({"label": _label(node, language), "count": n, "href": _url({"category": leaf_id})})
    if not related:
        related = [
            {"label": _label(node, language), "count": None, "href": _url({"category": node["id"]})}
            for node in category_tree()[:RELATED_CATEGORIES]
        ]
    return {"did_you_mean": suggestions, "related_categories": related}


def search_page_context(*, params: dict, data: dict, valid: bool, page, language: str) -> dict:
    """Facets (None when the filters are not valid), chips, and the way on from an empty result."""
    if not valid:
        return {"facets": None, "chips": [], "did_you_mean": [], "related_categories": [], "clear_href": ""}
    found = _facets_with_links(facets(Filters.from_data(data)), params, language)
    context = {
        "facets": found,
        "chips": _chips(params, data, language),
        "clear_href": _url({k: v for k, v in params.items() if k in ("q", "ordering")}),
        "did_you_mean": [],
        "related_categories": [],
    }
    if data.get("q") and not page.object_list and page.number == 1:
        context.update(_nothing_found(data["q"], params, language))
    return context
