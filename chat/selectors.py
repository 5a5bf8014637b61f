"""Reads for chat: inboxes, unread counts, message pages, a shop's typical reply time."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from chat.fast_paths import unread_side_totals
from chat.models import Conversation, Message, OfflineNotice, PhotoHold, Role
from shops.models import ShopMember

REPLY_TIME_DAYS = 30
REPLY_TIME_CACHE_SECONDS = 600
MAX_PAGE = 200
# The offline e-mail sweep looks this far back: a burst older than this (the sweep was down) gets no e-mail.
OFFLINE_NOTICE_LOOKBACK = timedelta(days=1)
OFFLINE_SWEEP_BATCH = 500


@dataclass(frozen=True)
class UnreadTotals:
    buyer: int
    seller: int

    @property
    def total(self) -> int:
        return self.buyer + self.seller


def chat_unread_totals(*, user) -> UnreadTotals:
    """Unread messages for the header badge: as a buyer, and for the shop the user works for. One query."""
    if not user.is_authenticated:
        return UnreadTotals(0, 0)
    my_shop = ShopMember.objects.filter(user=user).values("shop_id")
    mine_as_buyer = Q(buyer=user, buyer_unread__gt=0)
    my_shops = Q(shop_id__in=my_shop, shop_unread__gt=0)
    totals = Conversation.objects.filter(mine_as_buyer | my_shops).aggregate(
        buyer=Coalesce(Sum("buyer_unread", filter=mine_as_buyer), Value(0)),
        seller=Coalesce(Sum("shop_unread", filter=my_shops), Value(0)),
    )
    return UnreadTotals(buyer=totals["buyer"], seller=totals["seller"])


@dataclass(frozen=True)
class UnreadState:
    """What a socket needs to forward unread pushes: the person's totals and the shop they work for."""

    totals: UnreadTotals
    shop_id: int | None


def member_shop_id(*, user) -> int | None:
    """The shop this person works for (a person works for one shop at most)."""
    return ShopMember.objects.filter(user=user).values_list("shop_id", flat=True).first()


def chat_unread_state(*, user) -> UnreadState:
    """Two queries, once per socket: the shop the user works for, then both totals."""
    shop_id = member_shop_id(user=user)
    buyer, seller = unread_side_totals(buyer_id=user.pk, shop_id=shop_id)
    return UnreadState(totals=UnreadTotals(buyer=buyer, seller=seller), shop_id=shop_id)


def conversation_unread(*, conversation: Conversation, role: str) -> int:
    return conversation.buyer_unread if role == Role.BUYER else conversation.shop_unread


def conversation_list(*, user, role: str) -> QuerySet[Conversation]:
    """ "My chats" (role buyer) or the shop's inbox (role seller): unread first, then newest first."""
    if role == Role.SELLER:
        conversations = Conversation.objects.for_seller(user).filter(last_message__isnull=False)
        unread = Q(shop_unread__gt=0)
    else:
        conversations = Conversation.objects.for_buyer(user)
        unread = Q(buyer_unread__gt=0)
    return (
        conversations.select_related("shop", "buyer", "product", "last_message")
        .annotate(has_unread=ExpressionWrapper(unread, output_field=BooleanField()))
        .order_by("-has_unread", F("last_message_at").desc(nulls_last=True), "-id")
    )


@dataclass(frozen=True)
class MessagePage:
    messages: list[Message]
    has_older: bool
    has_newer: bool


def _visible(messages: QuerySet[Message], viewer_role: str | None) -> QuerySet[Message]:
    """A held or rejected photo is seen only by its own side (operators read it in admin)."""
    delivered = Q(photo_hold__in=[PhotoHold.NONE, PhotoHold.RELEASED])
    return messages.filter(delivered | Q(sender_role=viewer_role) if viewer_role else delivered)


def message_page(
    *,
    conversation: Conversation,
    viewer_role: str | None = None,
    before: int | None = None,
    after: int | None = None,
    limit: int = 50,
) -> MessagePage:
    """Oldest first, as `viewer_role`'s side sees them. `after`: the next messages after an id (catching up);
    `before`: the ones just before an id (scrolling back); both: those between the two, from `after` on;
    neither: the latest ones."""
    limit = max(1, min(int(limit), MAX_PAGE))
    messages = _visible(Message.objects.filter(conversation=conversation), viewer_role).select_related("sender")
    if after is not None and before is not None:
        messages = messages.filter(pk__lt=before)
    if after is not None:
        rows = list(messages.filter(pk__gt=after).order_by("id")[: limit + 1])
        return MessagePage(messages=rows[:limit], has_older=False, has_newer=len(rows) > limit)
    if before is not None:
        messages = messages.filter(pk__lt=before)
    rows = list(messages.order_by("-id")[: limit + 1])
    page = list(reversed(rows[:limit]))
    return MessagePage(messages=page, has_older=len(rows) > limit, has_newer=False)


def message_count(*, conversation: Conversation, viewer_role: str | None = None) -> int:
    return _visible(Message.objects.filter(conversation=conversation), viewer_role).count()


def shop_reply_time(*, shop_id: int) -> int | None:
    """The shop's typical reply time in seconds: the median delay between a buyer's first unanswered
    message and the seller's next message, over the last 30 days. None without any answered question."""
    key = f"chat:reply-time:{shop_id}"
    cached = cache.get(key)
    if cached is not None:
        return None if cached < 0 else cached
    since = timezone.now() - timedelta(days=REPLY_TIME_DAYS)
    rows = (
        Message.objects.filter(conversation__shop_id=shop_id, created_at__gte=since)
        .order_by("conversation_id", "id")
        .values_list("conversation_id", "sender_role", "created_at")
    )
    delays: list[float] = []
    waiting_since = None
    current = None
    for conversation_id, role, created_at in rows.iterator(chunk_size=2000):
        if conversation_id != current:
            current, waiting_since = conversation_id, None
        if role == Role.BUYER:
            if waiting_since is None:
                waiting_since = created_at
        elif waiting_since is not None:
            delays.append((created_at - waiting_since).total_seconds())
            waiting_since = None
    result = int(statistics.median(delays)) if delays else None
    cache.set(key, -1 if result is None else result, REPLY_TIME_CACHE_SECONDS)
    return result


def offline_bursts_due(
    *, now, wait: timedelta, lookback: timedelta = OFFLINE_NOTICE_LOOKBACK, limit: int = OFFLINE_SWEEP_BATCH
) -> list[tuple[int, str, int]]:
    """Unread bursts whose notice is due: (conversation id, recipient role, first unread message id).

    A burst is named by its first message the recipient's side has not read (after its read mark,
    from the other side); it is due once that message is `wait` old, and done once its notice is sent.
    Only conversations with something unread are read (partial indexes), oldest burst first."""
    due: list[tuple[int, str, int]] = []
    for role, unread_field, mark_field in (
        (Role.SELLER, "shop_unread", "shop_last_read_id"),
        (Role.BUYER, "buyer_unread", "buyer_last_read_id"),
    ):
        first_unread = (
            _visible(Message.objects.filter(conversation_id=OuterRef("pk"), pk__gt=OuterRef(mark_field)), None)
            .exclude(sender_role=role)
            .order_by("id")
        )
        sent = OfflineNotice.objects.filter(
            conversation_id=OuterRef("pk"),
            recipient_role=role,
            first_message_id=OuterRef("first_id"),
            sent_at__isnull=False,
        )
        rows = (
            Conversation.objects.filter(**{f"{unread_field}__gt": 0})
            .annotate(
                first_id=Subquery(first_unread.values("pk")[:1]),
                first_at=Subquery(first_unread.values("created_at")[:1]),
            )
            .filter(first_at__lte=now - wait, first_at__gt=now - wait - lookback)
            .exclude(Exists(sent))
            .order_by("first_at")
            .values_list("pk", "first_id")[:limit]
        )
        due.extend((conversation_id, str(role), first_id) for conversation_id, first_id in rows)
    return due


def last_product_card_id(*, conversation_id: int) -> int | None:
    """The product of the conversation's latest product card, if any (walks the conversation's index
    backwards to its newest card)."""
    return (
        Message.objects.filter(conversation_id=conversation_id, product__isnull=False)
        .order_by("-id")
        .values_list("product_id", flat=True)
        .first()
    )
