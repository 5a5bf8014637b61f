"""Pinned products (issue 22): the pin API and its access, every viewer's `pinned` frame over the real room
socket, replay chapters, card clicks, orders attributed to the show, and the show's statistics."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
from asgiref.sync import sync_to_async

from live.extensions import SHOW_PARTS
from live.models import ShowPin
from live.services.pins import show_pin
from live.services.room import room_message_send
from live.services.show_stats import room_visit, show_statistics
from live.services.shows import show_end, stream_publish
from live.tests.test_consumers import frame_of, join_frames, room
from orders.models import Order
from payments.models import Payment
from payments.services import payment_sandbox_approve
from tests.clients import client_for
from tests.factories import ADDRESS, ShopFactory, UserFactory, make_product, make_show


@pytest.fixture
def show_parts_restored(monkeypatch):
    """The test may register its own parts: the apps' own (deals, tips) are back after it, for every later test."""
    monkeypatch.setattr(SHOW_PARTS, "_parts", dict(SHOW_PARTS._parts))


def pin(user, show, product):
    return client_for(user).post(f"/api/v1/seller/shows/{show.pk}/pin/", {"product": product}, format="json")


@pytest.mark.django_db(transaction=True)
def test_a_pin_reaches_every_connected_viewer_at_once_and_new_viewers_on_join():
    show = make_show()
    product = make_product(shop=show.shop, skus=(("500 g", "28.00", 10), ("1 kg", "50.00", 3)))
    viewers = [None, UserFactory(), UserFactory()]

    async def scenario():
        comms = [room(show, user) for user in viewers]
        for comm in comms:
            assert (await comm.connect())[0]
            joined = await join_frames(comm)
            assert {"type": "pinned", "product": None} in joined
        response = await sync_to_async(pin)(show.shop.owner, show, product.pk)
        assert response.status_code == 200, response.content
        got = [(await frame_of(comm, "pinned"))["product"] for comm in comms]
        late = room(show)
        assert (await late.connect())[0]
        on_join = await frame_of(late, "pinned")
        await sync_to_async(pin)(show.shop.owner, show, None)
        unpinned = [(await frame_of(comm, "pinned"))["product"] for comm in [*comms, late]]
        for comm in [*comms, late]:
            await comm.disconnect()
        return got, on_join, unpinned

    got, on_join, unpinned = asyncio.run(scenario())
    for card in [*got, on_join["product"]]:
        assert card["id"] == product.pk and card["title"] == product.title
        assert card["price_min"] == "28.00" and card["stock"] == 13
        assert [(s["name"], s["price"], s["stock"]) for s in card["skus"]] == [
            ("500 g", "28.00", 10),
            ("1 kg", "50.00", 3),
        ]
    assert unpinned == [None] * 4


@pytest.mark.django_db
def test_only_the_shops_staff_pin_only_the_shops_products_on_sale_and_bad_input_writes_nothing():
    show = make_show()
    mine = make_product(shop=show.shop)
    draft = make_product(shop=show.shop, status="draft")
    theirs = make_product(shop=ShopFactory())
    owner = show.shop.owner
    assert pin(ShopFactory().owner, show, mine.pk).status_code == 404  # someone else's show
    assert pin(UserFactory(), show, mine.pk).status_code in (403, 404)
    assert client_for().post(
        f"/api/v1/seller/shows/{show.pk}/pin/", {"product": mine.pk}, format="json"
    ).status_code in (
        401,
        403,
    )
    for bad in (theirs.pk, draft.pk, 2**62, 0, -1, "abc", True, 1.5, [mine.pk], {"id": mine.pk}):
        response = pin(owner, show, bad)
        assert response.status_code == 400, (bad, response.content)
        assert response.json()["error"]["fields"]["product"]
    response = client_for(owner).post(f"/api/v1/seller/shows/{show.pk}/pin/", {}, format="json")
    assert response.status_code == 400 and "product" in response.json()["error"]["fields"]
    assert not ShowPin.objects.exists()
    assert pin(owner, show, mine.pk).status_code == 200
    assert client_for(owner).get(f"/api/v1/seller/shows/{show.pk}/").json()["pinned_product"] == mine.pk
    show_end(show_id=show.pk)
    response = pin(owner, show, mine.pk)
    assert response.status_code == 409 and response.json()["error"]["code"] == "invalid_state"


@pytest.mark.django_db
def test_each_pin_is_a_replay_chapter_and_the_detail_names_the_pin_and_the_deal_part(client, show_parts_restored):
    show = make_show()
    stream_publish(key=show.stream_key)
    first, second = make_product(shop=show.shop, title="腌萝卜"), make_product(shop=show.shop, title="腊肉")
    show_pin(show=show, product=first.pk)
    show_pin(show=show, product=first.pk)  # the same again: no new chapter
    show_pin(show=show, product=second.pk)
    real_deal_part = SHOW_PARTS._parts["deal"]
    SHOW_PARTS.register(name="deal", detail=lambda s: {"id": 7, "show": s.pk})
    detail = client_for().get(f"/api/v1/shows/{show.pk}/").json()
    SHOW_PARTS._parts["deal"] = real_deal_part
    assert detail["pinned"]["id"] == second.pk and detail["deal"] == {"id": 7, "show": show.pk}
    assert client_for().get(f"/api/v1/shows/{show.pk}/").json()["deal"] is None  # the deals app's part: no deal on
    pins = list(ShowPin.objects.filter(show=show))
    assert [p.product_id for p in pins] == [first.pk, second.pk]
    assert pins[0].unpinned_at is not None and pins[1].unpinned_at is None
    show_end(show_id=show.pk)
    assert not ShowPin.objects.filter(unpinned_at__isnull=True).exists()
    chapters = client_for().get(f"/api/v1/shows/{show.pk}/chapters/").json()
    assert [(c["product"], c["title"]) for c in chapters] == [(first.pk, "腌萝卜"), (second.pk, "腊肉")]
    assert all(c["offset"] >= 0 for c in chapters)
    page = client.get(f"/live/{show.pk}/").content.decode()
    assert page.count('data-testid="live-chapter"') == 2 and "腊肉" in page


def _checkout(buyer, sku, *, source, key: str):
    return client_for(buyer).post(
        "/api/v1/checkout/",
        {"address": ADDRESS, "items": [{"sku": sku.pk, "quantity": 1}], "source": source},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


@pytest.mark.django_db
def test_an_order_placed_from_the_room_remembers_the_show_and_its_pages_say_so(client):
    show = make_show()
    product = make_product(shop=show.shop)
    other = make_product(shop=ShopFactory(), title="别家的货")
    buyer = UserFactory()
    for bad in (f"show:{show.pk + 1000}", "nothing:1", "show:abc", "show:", "show:-1", 12, ["show:1"]):
        response = _checkout(buyer, product.skus.get(), source=bad, key=f"k-{bad}")
        assert response.status_code == 400, (bad, response.content)
        assert "source" in response.json()["error"]["fields"]
    assert not Order.objects.exists()
    hidden = make_show()
    type(hidden.shop).objects.filter(pk=hidden.shop_id).update(status="suspended")
    assert _checkout(buyer, product.skus.get(), source=f"show:{hidden.pk}", key="k-h").status_code == 400

    both = client_for(buyer).post(
        "/api/v1/checkout/",
        {
            "address": ADDRESS,
            "items": [{"sku": product.skus.get().pk, "quantity": 1}, {"sku": other.skus.get().pk, "quantity": 1}],
            "source": f"show:{show.pk}",
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-both",
    )
    assert both.status_code == 201, both.content
    from_show = Order.objects.get(shop=show.shop)
    assert (from_show.source_kind, from_show.source_id) == ("show", show.pk)
    assert Order.objects.get(shop=other.shop).source_kind == ""  # the other shop's order did not come from it
    plain = _checkout(buyer, product.skus.get(), source="", key="k-plain")
    assert Order.objects.get(number=plain.json()["orders"][0]["number"]).source_kind == ""

    client.force_login(buyer)
    page = client.get(f"/orders/{from_show.number}/").content.decode()
    assert 'data-testid="order-source"' in page and show.title in page and f"/live/{show.pk}/" in page
    assert (
        'data-testid="order-source"'
        not in client.get(f"/orders/{Order.objects.get(shop=other.shop).number}/").content.decode()
    )
    client.force_login(show.shop.owner)
    seller_page = client.get("/seller/orders/").content.decode()
    assert seller_page.count('data-testid="order-source"') == 1


@pytest.mark.django_db
def test_the_shows_statistics_count_the_room_the_orders_and_each_pinned_product(client, show_parts_restored):
    show = make_show(title="统计直播")
    stream_publish(key=show.stream_key)
    radish = make_product(shop=show.shop, title="腌萝卜", skus=(("500 g", "28.00", 10),))
    pork = make_product(shop=show.shop, title="腊肉", skus=(("1 kg", "88.00", 10),))
    buyer, viewer = UserFactory(), UserFactory()
    for visitor in ("u1", "u1", "aabc", "u2"):
        room_visit(show_id=show.pk, visitor=visitor)
    room_message_send(show=show, user=viewer, text="多少钱？")
    show_pin(show=show, product=radish.pk)
    for _n in range(3):
        assert (
            client_for().post(f"/api/v1/shows/{show.pk}/clicks/", {"product": radish.pk}, format="json").status_code
            == 204
        )
    client_for().post(
        f"/api/v1/shows/{show.pk}/clicks/", {"product": pork.pk}, format="json"
    )  # not pinned: not counted
    paid = _checkout(buyer, radish.skus.get(), source=f"show:{show.pk}", key="s-1").json()
    payment_sandbox_approve(payment=Payment.objects.get(pk=paid["payment"]["id"]))
    _checkout(buyer, radish.skus.get(), source=f"show:{show.pk}", key="s-2")  # placed, never paid
    _checkout(buyer, pork.skus.get(), source="", key="s-3")  # not from the show
    show_pin(show=show, product=pork.pk)
    client_for().post(f"/api/v1/shows/{show.pk}/clicks/", {"product": pork.pk}, format="json")
    SHOW_PARTS.register(name="tips", stats=lambda s: {"打赏": "¥15.00"})
    stats = client_for(show.shop.owner).get(f"/api/v1/seller/shows/{show.pk}/stats/").json()
    client.force_login(show.shop.owner)
    page = client.get(f"/seller/live/{show.pk}/stats/").content.decode()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    admin_page = client.get(f"/admin/live/show/{show.pk}/change/").content.decode()
    assert stats["unique_viewers"] == 3 and stats["messages"] == 1
    assert (stats["orders"], stats["paid_orders"], stats["sales"]) == (2, 1, "28.00")
    rows = {row["title"]: row for row in stats["pinned"]}
    assert (rows["腌萝卜"]["clicks"], rows["腌萝卜"]["orders"], rows["腌萝卜"]["quantity"]) == (3, 1, 1)
    assert (rows["腊肉"]["clicks"], rows["腊肉"]["orders"]) == (1, 0)
    assert stats["parts"]["tips"] == {"打赏": "¥15.00"}  # beside the other apps' parts (deals)
    for html in (page, admin_page):
        assert 'data-testid="show-stats"' in html and "腌萝卜" in html and "打赏" in html
    assert client_for(ShopFactory().owner).get(f"/api/v1/seller/shows/{show.pk}/stats/").status_code == 404
    assert show_statistics(show=show)["sales"] == Decimal("28.00")
