"""The tips API (API.md, "Live selling"): parse, call one service, answer with the tip's one shape."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.errors import Busy, RateLimited
from common.idempotency import IdempotencyKeyInFlight, IdempotencyKeyReused, idempotent
from common.openapi import api_errors
from common.ratelimit import rate_limit_check
from orders.models import IdempotencyKey
from tips import serializers as s
from tips.access import access_tip_show
from tips.errors import ShowNotLive, TipLimit, TipNeedsOrder, TipOwnShow
from tips.services import tip_send


def _tip_rate_limit(request) -> None:
    rate_limit_check(request=request, scope="checkout")


class ShowTipsApi(APIView):
    @api_errors(TipLimit, TipNeedsOrder, TipOwnShow, ShowNotLive, Busy, RateLimited)
    @api_errors(IdempotencyKeyReused, IdempotencyKeyInFlight)
    @extend_schema(operation_id="show_tips_create", request=s.TipCreateIn, responses={201: s.TipPlacedOut})
    @idempotent(store=IdempotencyKey, lock_wait_ms=lambda: settings.CHECKOUT_LOCK_WAIT_MS, before=_tip_rate_limit)
    def post(self, request, show_id: int):
        """A tip of one of the fixed amounts to a live show's shop: 201 with the payment to approve. Over a
        cap: 409 `tip_limit`; a viewer without a completed order: 403 `tip_needs_order`; the show's own shop:
        403 `tip_own_show`; a show that is not live: 409 `show_not_live`."""
        show = access_tip_show(user=request.user, show_id=show_id)
        data = request.data if isinstance(request.data, dict) else {}
        placed = tip_send(
            user=request.user,
            show=show,
            amount=data.get("amount"),
            return_url=reverse("tips:paid", kwargs={"show_id": show.pk}),
        )
        return Response(s.TipPlacedOut(placed).data, status=status.HTTP_201_CREATED)
