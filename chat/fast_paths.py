"""Chat's measured fast paths, each beside its plain-ORM reference (chat/tests/test_fast_paths.py runs both on
the same data, on PostgreSQL and on the embedded SQLite default).

Both run for every message sent. The ORM spent more CPU building these statements (joins, annotations,
~3 ms for the lock) than the database spends answering them, so they are written in SQL, with table names
from the models' _meta and values through the converters the ORM would apply (SQLite's driver hands back
naive datetime strings and 0/1 where the models hold aware datetimes and booleans).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Exists, F, Model, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from catalog.models import Product
from chat.models import Conversation, Message
from shops.models import Shop, ShopMember


@dataclass(frozen=True)
class LockedConversation:
    """A conversation row locked for a write, with what its pushes show (shop, buyer, product: only the
    columns they need), whether the user works for its shop, and the id of a message this user already
    sent with the same client id (a resend)."""

    conversation: Conversation
    is_member: bool
    resent_id: int | None


LOCK_FIELDS = [
    "id",
    "buyer_id",
    "shop_id",
    "product_id",
    "last_message_id",
    "last_message_at",
    "buyer_last_read_id",
    "shop_last_read_id",
    "buyer_unread",
    "shop_unread",
    "reported",
]

_LOCK_SQL = """
SELECT {columns},
       s.{shop_slug}, s.{shop_name}, u.{username}, p.{title},
       EXISTS (SELECT 1 FROM {member} m WHERE m.{member_shop} = c.{shop} AND m.{member_user} = %(user)s),
       (SELECT r.{message_id} FROM {message} r WHERE r.{message_conversation} = c.{id} AND r.{sender} = %(user)s
          AND r.{client_id} = %(client_id)s AND %(client_id)s <> '' LIMIT 1)
FROM {conversation} c
JOIN {shop_table} s ON s.{shop_id} = c.{shop}
JOIN {user_table} u ON u.{user_id} = c.{buyer}
LEFT JOIN {product_table} p ON p.{product_id} = c.{product}
WHERE c.{id} = %(conversation)s
{lock}
"""


def _column(model: type[Model], attname: str) -> str:
    return connection.ops.quote_name(next(f.column for f in model._meta.concrete_fields if f.attname == attname))


@functools.cache
def _lock_sql(vendor: str) -> str:
    user_model = get_user_model()
    table = connection.ops.quote_name
    return _LOCK_SQL.format(
        columns=", ".join(f"c.{_column(Conversation, name)}" for name in LOCK_FIELDS),
        shop_slug=_column(Shop, "slug"),
        shop_name=_column(Shop, "name"),
        username=_column(user_model, "username"),
        title=_column(Product, "title"),
        member=table(ShopMember._meta.db_table),
        member_shop=_column(ShopMember, "shop_id"),
        member_user=_column(ShopMember, "user_id"),
        message=table(Message._meta.db_table),
        message_id=_column(Message, "id"),
        message_conversation=_column(Message, "conversation_id"),
        sender=_column(Message, "sender_id"),
        client_id=_column(Message, "client_id"),
        conversation=table(Conversation._meta.db_table),
        id=_column(Conversation, "id"),
        shop=_column(Conversation, "shop_id"),
        buyer=_column(Conversation, "buyer_id"),
        product=_column(Conversation, "product_id"),
        shop_table=table(Shop._meta.db_table),
        shop_id=_column(Shop, "id"),
        user_table=table(user_model._meta.db_table),
        user_id=_column(user_model, "id"),
        product_table=table(Product._meta.db_table),
        product_id=_column(Product, "id"),
        # SQLite (the default `make run`) has no row locks: a writer holds the whole database anyway.
        lock="FOR UPDATE OF c" if connection.features.has_select_for_update_of else "",
    )


def _instance(model: type[Model], attnames: list[str], values: list[Any]) -> Model:
    """`model.from_db` with each value through the converters the ORM would apply (none on PostgreSQL).

    from_db reads a partial row's values in the model's field order, whatever order `attnames` are in: they
    are put in that order here (a shop's slug and name, given the other way round, were once swapped)."""
    given = dict(zip(attnames, values, strict=True))
    fields = [field for field in model._meta.concrete_fields if field.attname in given]
    converted = []
    for field in fields:
        value, column = given[field.attname], field.get_col(model._meta.db_table)
        for converter in connection.ops.get_db_converters(column) + field.get_db_converters(connection):
            value = converter(value, column, connection)
        converted.append(value)
    return model.from_db(connection.alias, [field.attname for field in fields], converted)


def conversation_lock_for_participant(
    *, user_id: int, conversation_id: int, client_id: str = ""
) -> LockedConversation | None:
    """The conversation row locked (only it: not the shop, buyer or product it joins), in one statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            _lock_sql(connection.vendor), {"user": user_id, "client_id": client_id, "conversation": conversation_id}
        )
        row = cursor.fetchone()
    if row is None:
        return None
    fields = len(LOCK_FIELDS)
    shop_slug, shop_name, buyer_username, product_title, is_member, resent_id = row[fields:]
    conversation = _instance(Conversation, LOCK_FIELDS, list(row[:fields]))
    conversation.shop = _instance(Shop, ["id", "slug", "name"], [conversation.shop_id, shop_slug, shop_name])
    conversation.buyer = _instance(get_user_model(), ["id", "username"], [conversation.buyer_id, buyer_username])
    conversation.product = (
        None
        if conversation.product_id is None
        else _instance(Product, ["id", "title"], [conversation.product_id, product_title])
    )
    return LockedConversation(conversation=conversation, is_member=bool(is_member), resent_id=resent_id)


def conversation_lock_for_participant_orm(
    *, user_id: int, conversation_id: int, client_id: str = ""
) -> LockedConversation | None:
    """The reference: the same row, lock and answers, written with the ORM."""
    resent = Message.objects.filter(conversation_id=OuterRef("pk"), sender_id=user_id, client_id=client_id).exclude(
        client_id=""
    )
    conversation = (
        Conversation.objects.filter(pk=conversation_id)
        .select_related("shop", "buyer", "product")
        .only(*LOCK_FIELDS, "shop__slug", "shop__name", "buyer__username", "product__title")
        .annotate(
            is_member=Exists(ShopMember.objects.filter(shop_id=OuterRef("shop_id"), user_id=user_id)),
            resent_id=Subquery(resent.values("pk")[:1]),
        )
        .select_for_update(of=("self",))
        .first()
    )
    if conversation is None:
        return None
    return LockedConversation(
        conversation=conversation, is_member=conversation.is_member, resent_id=conversation.resent_id
    )


_SIDE_TOTALS_SQL = """
SELECT COALESCE(SUM({buyer_unread}) FILTER (WHERE {buyer} = %(buyer)s), 0),
       COALESCE(SUM({shop_unread}) FILTER (WHERE {shop} = %(shop)s), 0)
FROM {conversation}
WHERE ({buyer} = %(buyer)s AND {buyer_unread} > 0) OR ({shop} = %(shop)s AND {shop_unread} > 0)
"""


@functools.cache
def _side_totals_sql(vendor: str) -> str:
    return _SIDE_TOTALS_SQL.format(
        conversation=connection.ops.quote_name(Conversation._meta.db_table),
        buyer=_column(Conversation, "buyer_id"),
        shop=_column(Conversation, "shop_id"),
        buyer_unread=_column(Conversation, "buyer_unread"),
        shop_unread=_column(Conversation, "shop_unread"),
    )


def unread_side_totals(*, buyer_id: int | None, shop_id: int | None) -> tuple[int, int]:
    """(unread for this person as a buyer, unread for this shop's side), in one query.

    Only conversations with something unread are read (partial indexes), so a shop with a long history
    costs what its unread conversations cost. It runs for every message (the unread pushes)."""
    if buyer_id is None and shop_id is None:
        return 0, 0
    with connection.cursor() as cursor:
        cursor.execute(_side_totals_sql(connection.vendor), {"buyer": buyer_id, "shop": shop_id})
        buyer, seller = cursor.fetchone()
    return int(buyer), int(seller)


def unread_side_totals_orm(*, buyer_id: int | None, shop_id: int | None) -> tuple[int, int]:
    """The reference, with the ORM."""
    if buyer_id is None and shop_id is None:
        return 0, 0
    mine = Q(buyer_id=buyer_id) if buyer_id is not None else Q(pk__in=[])
    shops = Q(shop_id=shop_id) if shop_id is not None else Q(pk__in=[])
    totals = Conversation.objects.filter((mine & Q(buyer_unread__gt=0)) | (shops & Q(shop_unread__gt=0))).aggregate(
        buyer=Coalesce(Sum(F("buyer_unread"), filter=mine), Value(0)),
        seller=Coalesce(Sum(F("shop_unread"), filter=shops), Value(0)),
    )
    return int(totals["buyer"]), int(totals["seller"])
