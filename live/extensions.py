"""What apps above `live` add to a show, without `live` importing them (STYLE.md: dependencies point one way).

A flash deal (`deals`) and tips (`tips`) belong to a show, yet the show's detail (`GET /api/v1/shows/{id}/` has a
`deal`), its room page, the seller's live console and the show's statistics are `live`'s. The app that owns the
data registers its part in its AppConfig.ready():

    SHOW_PARTS.register(
        name="deal",
        detail=deal_detail,                      # (show) -> JSON value under "deal" in the show's detail, or None
        room_template="deals/_room.html",        # included in the room page with {"show", "part": detail(show)}
        console_template="deals/_console.html",  # included in the seller's live console with {"show", "part"}
        stats=deal_stats,                        # (show) -> {label: value} rows added to the show's statistics
    )

`live` reads the parts with `SHOW_PARTS.details(show)`, `.room_parts(details)`, `.console_parts(details)`
(each part's template with its detail) and `.stats(show)`; a part may leave any of them out. A part's
detail is computed once per page (details(show)) and handed to its templates as `part`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ShowPart:
    name: str
    detail: Callable[[Any], Any] | None = None
    room_template: str | None = None
    console_template: str | None = None
    stats: Callable[[Any], dict[str, Any]] | None = None


class ShowParts:
    def __init__(self) -> None:
        self._parts: dict[str, ShowPart] = {}

    def register(self, *, name: str, **fields: Any) -> None:
        """Registering a name again replaces the part (ready() may run more than once)."""
        self._parts[name] = ShowPart(name=name, **fields)

    def names(self) -> list[str]:
        return list(self._parts)

    def details(self, show) -> dict[str, Any]:
        """Each part's value in the show's detail, by name (None where the part has nothing now)."""
        return {name: part.detail(show) for name, part in self._parts.items() if part.detail is not None}

    def room_templates(self) -> list[str]:
        return [part.room_template for part in self._parts.values() if part.room_template]

    def console_templates(self) -> list[str]:
        return [part.console_template for part in self._parts.values() if part.console_template]

    def room_parts(self, details: dict[str, Any]) -> list[tuple[str, Any]]:
        """(template, part) for each part with a room template; `details` as details(show) answered."""
        return [(p.room_template, details.get(p.name)) for p in self._parts.values() if p.room_template]

    def console_parts(self, details: dict[str, Any]) -> list[tuple[str, Any]]:
        """(template, part) for each part with a console template; `details` as details(show) answered."""
        return [(p.console_template, details.get(p.name)) for p in self._parts.values() if p.console_template]

    def stats(self, show) -> dict[str, dict[str, Any]]:
        """Each part's statistics rows for the show, by name."""
        return {name: part.stats(show) for name, part in self._parts.items() if part.stats is not None}


SHOW_PARTS = ShowParts()
