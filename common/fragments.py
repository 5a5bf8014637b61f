"""Cached HTML fragments of the public pages: the main content that is the same for every visitor.

A product or shop page re-renders only what depends on the visitor or must be exact to the second (the
header, the CSRF-protected forms, price and stock of the SKUs); the rest — details, reviews, the product
grid, shop scores — is rendered once per *version* and kept in the cache (Redis).

A fragment's version is read fresh with every request and names everything the fragment shows: the
`updated_at` of the product, its shop and its category, and a stamp of the product's reviews or of the
shop's products and photos. An edit, a new photo, a review, a reply or a moderation therefore shows on
the very next request. What changes without touching any of these — sales counters, the sort order by
sales, another product's price in "more from this shop", the peers' average scores, the order of photos
in a card — shows within FRAGMENT_SECONDS.

Parts of such a page that another, higher app owns (a product's reviews, the shop's scores) come in through
common.page_parts; what changes by the second (the reply time) through that app's template tags.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Hashable

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

FRAGMENT_SECONDS = 60


def fragment(*, name: str, version: tuple[Hashable, ...], template: str, context: Callable[[], dict]) -> SafeString:
    """The template rendered with context(), from the cache when this version in this language is there.

    context() runs only on a miss, so the queries of what the fragment shows are not made on a hit. The
    template is rendered without the request: no context processors, nothing about the visitor.
    """
    digest = hashlib.blake2b(repr(version).encode(), digest_size=16).hexdigest()
    key = f"fragment:{name}:{get_language()}:{digest}"
    try:
        html = cache.get(key)
    except RedisError:  # the cache is down: render, as without a cache
        logger.warning("fragment cache unavailable", exc_info=True)
        return mark_safe(render_to_string(template, context()))  # noqa: S308 - our own template's output
    if html is None:
        html = render_to_string(template, context())
        try:
            cache.set(key, html, FRAGMENT_SECONDS)
        except RedisError:
            logger.warning("fragment cache unavailable", exc_info=True)
    return mark_safe(html)  # noqa: S308 - our own template's output
