"""The tips API's shapes: each answer is `FooOut(obj).data`, and drf-spectacular reads the same class."""

from __future__ import annotations

from rest_framework import serializers

from orders.serializers.orders import CheckoutPaymentOut, MoneyOut


class TipCreateIn(serializers.Serializer):
    """Documents the body; the service parses it (tips.rules.parse_tip_amount)."""

    amount = serializers.CharField(help_text='One of the fixed amounts (setting TIP_AMOUNTS), e.g. "5" or "5.00".')


class TipPlacedOut(serializers.Serializer):
    """`tips.services.TipPlaced`; the answer stored with an Idempotency-Key (plain JSON). `payment` is the
    checkout's payment shape: pay at `pay_url` (the sandbox's page), the room keeps playing."""

    id = serializers.IntegerField(source="tip.pk")
    amount = MoneyOut(source="tip.amount")
    payment = CheckoutPaymentOut(source="*")


class TipSenderOut(serializers.Serializer):
    id = serializers.IntegerField(source="sender_id")
    username = serializers.CharField(source="sender.username")


class TipFrameTipOut(serializers.Serializer):
    sender = TipSenderOut(source="*")
    amount = MoneyOut()


class TipFrame(serializers.Serializer):
    """The room's `tip` frame (common.ws_schema), sent once when a tip is paid."""

    type = serializers.ChoiceField(choices=["tip"])
    tip = TipFrameTipOut()


def tip_frame(tip) -> dict:
    return {"type": "tip", "tip": TipFrameTipOut(tip).data}
