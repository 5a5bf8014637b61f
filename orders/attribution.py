"""Where an order came from (a live show, …), without `orders` importing the app that knows the source.

An app above `orders` registers a kind of source in its AppConfig.ready():

    ORDER_SOURCES.register(kind="show", resolve=show_source_resolve, label=show_source_label)

`resolve(source_id, buyer)` answers the id of the shop whose orders the source covers, or None when the
source is not one the buyer may name (no such show, not public…); `label(order)` answers `(text, url)` for
the order's page. The checkout takes `source` as "<kind>:<id>" (checkout input) and stamps the orders of
that shop with `source_kind`/`source_id`; orders of other shops in the same checkout keep none.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from common.errors import ValidationFailed

SOURCE_PATTERN = r"^[a-z]{1,16}:[0-9]{1,18}$"
_SOURCE = re.compile(SOURCE_PATTERN)


@dataclass(frozen=True)
class OrderSource:
    kind: str
    id: int
    shop_id: int  # only this shop's orders carry the source


@dataclass(frozen=True)
class _Kind:
    resolve: Callable[[int, Any], int | None]
    label: Callable[[Any], tuple[str, str] | None]


class OrderSources:
    def __init__(self) -> None:
        self._kinds: dict[str, _Kind] = {}

    def register(self, *, kind: str, resolve, label) -> None:
        """Registering a kind again replaces it (ready() may run more than once)."""
        self._kinds[kind] = _Kind(resolve=resolve, label=label)

    def parse(self, value: Any, *, buyer) -> OrderSource | None:
        """The checkout's `source` input ("show:12"): None when absent; a 400 when it names nothing usable."""
        if value is None or value == "":
            return None
        kind, _sep, raw_id = value.partition(":") if isinstance(value, str) else ("", "", "")
        if not isinstance(value, str) or not _SOURCE.match(value) or kind not in self._kinds:
            raise ValidationFailed(fields={"source": [_("Unknown source of the order.")]})
        shop_id = self._kinds[kind].resolve(int(raw_id), buyer)
        if shop_id is None:
            raise ValidationFailed(fields={"source": [_("Unknown source of the order.")]})
        return OrderSource(kind=kind, id=int(raw_id), shop_id=shop_id)

    def label(self, order) -> tuple[str, str] | None:
        """What the order page says about where the order came from: (text, url), or None."""
        kind = self._kinds.get(order.source_kind) if order.source_kind else None
        return kind.label(order) if kind is not None else None


ORDER_SOURCES = OrderSources()
