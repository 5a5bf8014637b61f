"""chat/fast_paths.py: each fast path equals its plain-ORM reference on the same data, on PostgreSQL and on the
embedded SQLite default (a fresh SQLite file, in a process of its own)."""

from __future__ import annotations

import pytest
from django.db import transaction

from chat.fast_paths import (
    LOCK_FIELDS,
    conversation_lock_for_participant,
    conversation_lock_for_participant_orm,
    unread_side_totals,
    unread_side_totals_orm,
)
from chat.services import conversation_mark_read, conversation_start, message_send
from tests.embedded_sqlite import sqlite_script
from tests.factories import ProductWithSkuFactory, ShopFactory, UserFactory, staff_for

pytestmark = pytest.mark.django_db


def graph(locked) -> dict | None:
    """Everything the services read from a locked conversation, as values."""
    if locked is None:
        return None
    conversation = locked.conversation
    return {
        "columns": {name: getattr(conversation, name) for name in LOCK_FIELDS},
        "shop": (conversation.shop.pk, conversation.shop.slug, conversation.shop.name),
        "buyer": (conversation.buyer.pk, conversation.buyer.username),
        "product": None if conversation.product is None else (conversation.product.pk, conversation.product.title),
        "is_member": locked.is_member,
        "resent_id": locked.resent_id,
    }


def both(**kwargs) -> tuple[dict | None, dict | None]:
    with transaction.atomic():
        fast = graph(conversation_lock_for_participant(**kwargs))
    with transaction.atomic():
        reference = graph(conversation_lock_for_participant_orm(**kwargs))
    return fast, reference


def test_the_lock_read_equals_the_orm_reference():
    # given: a conversation with a product, a read mark, a resendable message and a report; one without any
    product = ProductWithSkuFactory()
    buyer, stranger = UserFactory(), UserFactory()
    staff = staff_for(product.shop)
    conversation, _ = conversation_start(buyer=buyer, shop=product.shop, product=product)
    sent = message_send(user=buyer, conversation=conversation, text="在吗", client_id="c-1")
    message_send(user=staff, conversation=conversation, text="在的")
    conversation_mark_read(user=buyer, conversation=conversation, up_to=sent.pk)
    conversation.reported = True
    conversation.save(update_fields=["reported"])
    bare, _ = conversation_start(buyer=UserFactory(), shop=ShopFactory())

    cases = [
        {"user_id": buyer.pk, "conversation_id": conversation.pk, "client_id": "c-1"},
        {"user_id": buyer.pk, "conversation_id": conversation.pk, "client_id": ""},
        {"user_id": staff.pk, "conversation_id": conversation.pk, "client_id": "c-1"},
        {"user_id": stranger.pk, "conversation_id": conversation.pk},
        {"user_id": buyer.pk, "conversation_id": bare.pk},
        {"user_id": buyer.pk, "conversation_id": 10**12},
    ]
    for case in cases:
        fast, reference = both(**case)
        assert fast == reference, case

    fast, _ = both(**cases[0])
    assert fast["resent_id"] == sent.pk and fast["columns"]["reported"] is True
    assert fast["product"] == (product.pk, product.title) and not fast["is_member"]
    assert both(**cases[2])[0]["is_member"] and both(**cases[2])[0]["resent_id"] is None
    assert both(**cases[4])[0]["product"] is None and both(**cases[4])[0]["columns"]["last_message_at"] is None
    assert both(**cases[5]) == (None, None)
    assert fast["shop"] == (product.shop.pk, product.shop.slug, product.shop.name)  # from_db once swapped them


def test_the_unread_totals_equal_the_orm_reference():
    shop, other_shop = ShopFactory(), ShopFactory()
    buyer = UserFactory()
    first, _ = conversation_start(buyer=buyer, shop=shop)
    second, _ = conversation_start(buyer=buyer, shop=other_shop)
    message_send(user=buyer, conversation=first, text="一")
    message_send(user=buyer, conversation=first, text="二")
    message_send(user=other_shop.owner, conversation=second, text="三")

    for buyer_id in (buyer.pk, shop.owner.pk, None):
        for shop_id in (shop.pk, other_shop.pk, None):
            fast = unread_side_totals(buyer_id=buyer_id, shop_id=shop_id)
            assert fast == unread_side_totals_orm(buyer_id=buyer_id, shop_id=shop_id), (buyer_id, shop_id)
    assert unread_side_totals(buyer_id=buyer.pk, shop_id=shop.pk) == (1, 2)


SQLITE_CHECKS = """
import json
from django.db import connection, transaction
from chat.fast_paths import (LOCK_FIELDS, conversation_lock_for_participant, conversation_lock_for_participant_orm,
    unread_side_totals, unread_side_totals_orm)
from chat.services import conversation_mark_read, conversation_start, message_send
from tests.factories import ProductWithSkuFactory, UserFactory, staff_for

def graph(locked):
    if locked is None:
        return None
    c = locked.conversation
    return repr(({n: getattr(c, n) for n in LOCK_FIELDS}, (c.shop.pk, c.shop.slug, c.shop.name),
                 (c.buyer.pk, c.buyer.username), c.product and (c.product.pk, c.product.title),
                 locked.is_member, locked.resent_id))

product = ProductWithSkuFactory()
buyer = UserFactory()
staff = staff_for(product.shop)
conversation, _ = conversation_start(buyer=buyer, shop=product.shop, product=product)
sent = message_send(user=buyer, conversation=conversation, text="hi", client_id="c-1")
message_send(user=staff, conversation=conversation, text="hello")
unread = conversation_mark_read(user=buyer, conversation=conversation, up_to=sent.pk)
equal, locked = [], []
for user, client_id in ((buyer, "c-1"), (staff, ""), (UserFactory(), "")):
    with transaction.atomic():
        fast = conversation_lock_for_participant(user_id=user.pk, conversation_id=conversation.pk, client_id=client_id)
        reference = conversation_lock_for_participant_orm(
            user_id=user.pk, conversation_id=conversation.pk, client_id=client_id)
    equal.append(graph(fast) == graph(reference))
    locked.append(fast)
first = locked[0].conversation
print(json.dumps({
    "vendor": connection.vendor,
    "locks_equal": equal,
    "stranger": locked[2] is not None and not locked[2].is_member,
    "last_message_at": type(first.last_message_at).__name__,
    "aware": first.last_message_at.tzinfo is not None,
    "reported": type(first.reported).__name__,
    "resent": locked[0].resent_id == sent.pk and locked[1].is_member,
    "shop": [first.shop.slug, first.shop.name] == [product.shop.slug, product.shop.name],
    "totals": [unread_side_totals(buyer_id=buyer.pk, shop_id=product.shop_id),
               unread_side_totals_orm(buyer_id=buyer.pk, shop_id=product.shop_id)],
    "unread_after_read": unread,
}))
"""


@pytest.mark.slow
def test_the_fast_paths_on_the_embedded_sqlite_default(tmp_path):
    """`make run` without DATABASE_URL: SQLite. The lock (no FOR UPDATE there) and the totals (FILTER) equal
    their references, and hand the services aware datetimes and booleans, in a process of its own."""
    result = sqlite_script(tmp_path, SQLITE_CHECKS)

    assert result["vendor"] == "sqlite"
    assert result["locks_equal"] == [True, True, True] and result["stranger"] and result["resent"]
    assert result["shop"]  # slug and name in their places
    assert result["last_message_at"] == "datetime" and result["aware"] and result["reported"] == "bool"
    assert result["totals"] == [[1, 0], [1, 0]] and result["unread_after_read"] == 1
