"""Reads for chat: inboxes, unread counts, message pages, a shop's typical reply time."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from chat.models import Conversation, Message, Role
from shops.models import ShopMember

REPLY_TIME_DAYS = 30
REPLY_TIME_CACHE_SECONDS = 600
MAX_PAGE = 200


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
    totals = Conversation.objects.filter(Q(buyer=user) | Q(shop_id__in=my_shop)).aggregate(
        buyer=Coalesce(Sum("buyer_unread", filter=Q(buyer=user)), Value(0)),
        seller=Coalesce(Sum("shop_unread", filter=Q(shop_id__in=my_shop)), Value(0)),
    )
    return UnreadTotals(buyer=totals["buyer"], seller=totals["seller"])


def conversation_unread(*, conversation: Conversation, role: str) -> int:
    return conversation.buyer_unread if role == Role.BUYER else conversation.shop_unread


def conversation_list(*, user, role: str) -> QuerySet[Conversation]:
    """"My chats" (role buyer) or the shop's inbox (role seller): unread first, then newest first."""
    if role == Role.SELLER:
        conversations = Conversation.objects.for_seller(user).filter(last_message__isnull=False)
        unread = Q(shop_unread__gt=0)
    else:
        conversations = Conversation.objects.for_buyer(user)
        unread = Q(buyer_unread__gt=0)
    return (conversations
            .select_related("shop", "buyer", "product", "last_message")
            .annotate(has_unread=ExpressionWrapper(unread, output_field=BooleanField()))
            .order_by("-has_unread", F("last_message_at").desc(nulls_last=True), "-id"))


def conversation_for_push(*, user, conversation_id: int) -> Conversation | None:
    """One inbox row, for a live update to someone who takes part in it."""
    return (Conversation.objects.for_participant(user).select_related("shop", "buyer", "product", "last_message")
            .filter(pk=conversation_id).first())


@dataclass(frozen=True)
class MessagePage:
    messages: list[Message]
    has_older: bool
    has_newer: bool


def message_page(*, conversation: Conversation, before: int | None = None, after: int | None = None,
                 limit: int = 50) -> MessagePage:
    """Oldest first. `after`: the next messages after an id (catching up); `before`: the ones just
    before an id (scrolling back); neither: the latest ones."""
    limit = max(1, min(int(limit), MAX_PAGE))
    messages = Message.objects.filter(conversation=conversation).select_related("sender")
    if after is not None:
        rows = list(messages.filter(pk__gt=after).order_by("id")[: limit + 1])
        return MessagePage(messages=rows[:limit], has_older=False, has_newer=len(rows) > limit)
    if before is not None:
        messages = messages.filter(pk__lt=before)
    rows = list(messages.order_by("-id")[: limit + 1])
    page = list(reversed(rows[:limit]))
    return MessagePage(messages=page, has_older=len(rows) > limit, has_newer=False)


def message_count(*, conversation: Conversation) -> int:
    return Message.objects.filter(conversation=conversation).count()


def shop_reply_time(*, shop_id: int) -> int | None:
    """The shop's typical reply time in seconds: the median delay between a buyer's first unanswered
    message and the seller's next message, over the last 30 days. None without any answered question."""
    key = f"chat:reply-time:{shop_id}"
    cached = cache.get(key)
    if cached is not None:
        return None if cached < 0 else cached
    since = timezone.now() - timedelta(days=REPLY_TIME_DAYS)
    rows = (Message.objects.filter(conversation__shop_id=shop_id, created_at__gte=since)
            .order_by("conversation_id", "id").values_list("conversation_id", "sender_role", "created_at"))
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
