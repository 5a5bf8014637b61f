from __future__ import annotations

from live.models import Show
from live.services.shows import show_create
from shops.tests.factories import ShopFactory


def make_show(*, shop=None, title: str = "腌萝卜直播", **kwargs) -> Show:
    return show_create(shop=shop or ShopFactory(), title=title, **kwargs)
