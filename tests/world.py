"""One small marketplace with two of everything, for the sweep: two shops with products, orders in
several states for each buyer, conversations, reviews, refund requests, notifications, a payout batch.

"A side": buyer A's orders in shop A, seller A (owner), staff A. "B side": buyer B in shop B, seller B.
Staff (子账号) come in through invitations: staff A accepted one; ex-staff A accepted one and was removed
(a plain user again); invitee A has an invitation from shop A not yet answered, and buyer B one from shop B.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from accounts.models import User
from catalog.services import product_image_add
from chat.services import conversation_start, message_send
from deals.services import deal_create
from live.services.room import room_message_send
from live.services.shows import show_create
from notifications.services import notify
from offers.services import offer_create
from orders.services.cart import cart_item_add
from orders.services.lifecycle import order_confirm_receipt
from orders.services.refunds import refund_request_create
from orders.services.reviews import review_create
from orders.tests.helpers import place, placed_paid, placed_shipped
from payments.services.payouts import payout_batch_run
from payments.tests.money import confirmed_sale
from shops.models import ShopMember
from shops.services import staff_invitation_accept, staff_invite, staff_remove
from tests.factories import ShopFactory, UserFactory, make_product, upload

ROLES = ["anonymous", "buyer_a", "buyer_b", "seller_a", "seller_b", "staff_a", "ex_staff_a", "invitee_a", "operator"]
SIDES = {"A": {"buyer_a", "seller_a", "staff_a"}, "B": {"buyer_b", "seller_b"}}
BUYER_OF = {"A": "buyer_a", "B": "buyer_b"}
SELLERS_OF = {"A": {"seller_a", "staff_a"}, "B": {"seller_b"}}
OWNER_OF = {"A": "seller_a", "B": "seller_b"}
INVITEE_OF = {"A": "invitee_a", "B": "buyer_b"}  # who holds each side's unanswered staff invitation


@dataclass
class World:
    users: dict[str, User | None] = field(default_factory=dict)
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)  # kind → side → object

    def add(self, kind: str, side: str, obj: Any) -> None:
        self.objects.setdefault(kind, {})[side] = obj


def build_world() -> World:
    world = World()
    seller_a, seller_b = UserFactory(username="seller_a"), UserFactory(username="seller_b")
    shops = {"A": ShopFactory(owner=seller_a, slug="shop-a"), "B": ShopFactory(owner=seller_b, slug="shop-b")}
    staff_a, ex_staff_a, invitee_a = (UserFactory(username=name) for name in ("staff_a", "ex_staff_a", "invitee_a"))
    buyers = {"A": UserFactory(username="buyer_a"), "B": UserFactory(username="buyer_b")}
    for person in (staff_a, ex_staff_a):
        invitation = staff_invite(shop=shops["A"], invited_by=seller_a, who=person.username)
        staff_invitation_accept(invitation_id=invitation.pk, user=person)
    staff_remove(member_id=ShopMember.objects.get(user=ex_staff_a).pk, shop=shops["A"])
    world.add("staff_invitation", "A", staff_invite(shop=shops["A"], invited_by=seller_a, who="invitee_a"))
    world.add("staff_invitation", "B", staff_invite(shop=shops["B"], invited_by=seller_b, who="buyer_b"))
    # Side A: staff A's membership; side B: seller B's own (the owner cannot be removed: a 409 for them).
    world.add("staff_member", "A", ShopMember.objects.get(user=staff_a))
    world.add("staff_member", "B", ShopMember.objects.get(user=seller_b))
    operator = UserFactory(username="operator", is_staff=True, is_superuser=True)
    world.users = {
        "anonymous": None,
        "buyer_a": buyers["A"],
        "buyer_b": buyers["B"],
        "seller_a": seller_a,
        "seller_b": seller_b,
        "staff_a": staff_a,
        "ex_staff_a": ex_staff_a,
        "invitee_a": invitee_a,
        "operator": operator,
    }

    for side, shop in shops.items():
        buyer = buyers[side]
        product = make_product(
            shop=shop, title=f"腌萝卜 {side}", skus=(("500 g", "28.00", 500), ("1 kg", "50.00", 500))
        )
        sku = product.skus.order_by("id").first()
        image = product_image_add(product=product, upload=upload())
        world.add("shop", side, shop)
        world.add("product", side, product)
        world.add("sku", side, sku)
        world.add("image", side, image)

        pending = place(buyer, {sku: 1})[0]
        paid = placed_paid(buyer, sku)
        shipped = placed_shipped(buyer, sku)
        completed = placed_shipped(buyer, sku)
        order_confirm_receipt(order_id=completed.pk, actor=buyer)
        line = completed.lines.first()
        review = review_create(
            order_id=completed.pk,
            buyer=buyer,
            line_id=line.pk,
            rating=5,
            as_described=5,
            communication=5,
            shipping=5,
            text="好吃",
        )
        refund_request = refund_request_create(order_id=paid.pk, buyer=buyer, reason="坏了", return_goods=False)
        for kind, obj in (
            ("order_pending", pending),
            ("order_paid", paid),
            ("order_shipped", shipped),
            ("order_completed", completed),
            ("review", review),
            ("refund_request", refund_request),
            ("line", line),
        ):
            world.add(kind, side, obj)
        world.add("payment", side, pending.payment)

        other_side = "B" if side == "A" else "A"
        conversation, _ = conversation_start(buyer=buyer, shop=shop)
        message_send(user=buyer, conversation=conversation, text=f"在吗 {side}")
        world.add("conversation", side, conversation)
        world.add(
            "offer",
            side,
            offer_create(
                user=shop.owner,
                conversation=conversation,
                lines=[{"sku": sku.pk, "quantity": 2, "price": "25.00"}],
                shipping_fee="5.00",
            ),
        )
        show = show_create(shop=shop, title=f"直播 {side}")
        world.add("show", side, show)
        world.add("room_message", side, room_message_send(show=show, user=buyer, text=f"你好 {side}"))
        world.add(
            "deal",
            side,
            deal_create(
                show=show,
                sku=sku.pk,
                price="0.01",
                quantity=1,
                per_buyer_limit=1,
                starts_in_seconds=10,
                duration_seconds=60,
            ),
        )
        # The buyer's cart holds the other shop's product, so "cart item A" is buyer A's.
        world.add("cart_item_sku", other_side, sku)
        notify(user_id=buyer.pk, kind="order_shipped", key=f"world-{side}", text="已发货")

    for side in ("A", "B"):
        world.add(
            "cart_item",
            side,
            cart_item_add(user=buyers[side], sku_id=world.objects["cart_item_sku"][side].pk, quantity=1),
        )
        confirmed_sale(shops[side], "100.00")
    batch, _created = payout_batch_run()
    world.add("payout_batch", "A", batch)
    return world
