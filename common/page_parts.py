"""Parts of a page that a higher app adds to a lower app's page, without the lower app importing it.

Dependencies point one way (STYLE.md): the product page belongs to `catalog`, yet shows reviews from
`orders`; the shopfront belongs to `shops`, yet shows products from `catalog` and scores from `orders`. The
page's app declares the page (`PRODUCT_PAGE = PageParts("product")`) and the app that owns the data registers
its part in its AppConfig.ready():

    PRODUCT_PAGE.register(name="reviews", version=reviews_version, context=reviews_context)

`version(**params)` is read on every request and goes into the cached fragment's version (common.fragments),
so a change shows on the next request; `context(version=…, **params)` runs only when the fragment is rendered
and returns the template variables of the part.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass


@dataclass(frozen=True)
class PagePart:
    name: str
    version: Callable[..., Hashable]
    context: Callable[..., dict]


class PageParts:
    def __init__(self, page: str) -> None:
        self.page = page
        self._parts: dict[str, PagePart] = {}

    def register(self, *, name: str, version: Callable[..., Hashable], context: Callable[..., dict]) -> None:
        """Registering a name again replaces the part (ready() may run more than once)."""
        self._parts[name] = PagePart(name=name, version=version, context=context)

    def versions(self, **params) -> dict[str, Hashable]:
        return {name: part.version(**params) for name, part in self._parts.items()}

    def context(self, *, versions: dict[str, Hashable] | None, **params) -> dict:
        """Every part's template variables; `versions` as versions() read them (None: not read)."""
        context: dict = {}
        for name, part in self._parts.items():
            context.update(part.context(version=(versions or {}).get(name), **params))
        return context
