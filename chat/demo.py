"""Demo conversations between the demo buyers and the farm shop (PRODUCT.md: "is the meat very spicy?")."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from catalog.models import Product
from chat.models import Conversation, Message
from chat.services import conversation_mark_read, conversation_start, message_send
from shops.models import Shop

FARM_CHATS = [
    (
        "buyer",
        "腊肉",
        [
            (0, "buyer", "这个腊肉很辣吗？"),
            (
                3,
                "seller",
                "不算很辣，是微辣的。我们用自家晒的干辣椒和柴火一起熏，咸香为主，小孩也能吃一点。"
                "喜欢辣的话下单时备注一下，我给您挑辣一点的。",
            ),
            (5, "buyer", "能发到武汉吗？大概几天到？"),
            (9, "seller", "可以的，顺丰发货，武汉一般两天到。天热的时候我们会加冰袋。"),
            (11, "buyer", "好的，那我先买一斤试试 👍"),
        ],
    ),
    (
        "xiaomei",
        "萝卜",
        [
            (0, "buyer", "萝卜是今年新腌的吗？"),
            (4, "seller", "是的，今年十月晒的白萝卜，腌了三个月，刚好开坛。"),
            (6, "buyer", "酸不酸？我不太能吃酸的"),
        ],
    ),
]


def demo_chats_ensure() -> None:
    """Idempotent; does nothing until the farm shop (owner `farmer`) and the demo buyers exist."""
    shop = Shop.objects.filter(owner__username="farmer").first()
    if shop is None:
        return
    for hours_ago, (username, keyword, script) in zip((26, 2), FARM_CHATS, strict=True):
        buyer = User.objects.filter(username=username).first()
        if buyer is None:
            continue
        existing = Conversation.objects.filter(buyer=buyer, shop=shop).first()
        if existing is not None and Message.objects.filter(conversation=existing).exclude(text="").exists():
            continue
        product = Product.objects.public().filter(shop=shop, title__contains=keyword).first()
        conversation, _created = conversation_start(buyer=buyer, shop=shop, product=product)
        start = timezone.now() - timedelta(hours=hours_ago)
        Message.objects.filter(conversation=conversation).update(created_at=start - timedelta(minutes=1))
        last = None
        for minutes, side, text in script:
            author = buyer if side == "buyer" else shop.owner
            last = message_send(user=author, conversation=conversation, text=text)
            Message.objects.filter(pk=last.pk).update(created_at=start + timedelta(minutes=minutes))
        Conversation.objects.filter(pk=conversation.pk).update(last_message_at=start + timedelta(minutes=script[-1][0]))
        if script[-1][1] == "buyer" and username == "buyer":
            # The farmer has seen the buyer's thanks; the second conversation waits in his inbox.
            conversation_mark_read(user=shop.owner, conversation=conversation, up_to=last.pk)
