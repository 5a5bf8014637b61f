"""The deals API (API.md, Live selling): the seller starts a deal in a show; a buyer claims it."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.errors import OutOfStock
from common.errors import Busy
from common.idempotency import IdempotencyKeyInFlight, IdempotencyKeyReused, idempotent
from common.openapi import api_errors
from common.ratelimit import rate_limit_check
from deals import serializers as s
from deals.access import access_public_show, access_seller_show
from deals.errors import DealLimitReached, DealOver, DealRunning, DealSoldOut, ShowNotOpenForDeals
from deals.selectors import deal_data
from deals.services import deal_claim, deal_create
from orders.models import IdempotencyKey
from orders.serializers import CheckoutOut, checkout_answer


def _body(request) -> dict:
    return request.data if isinstance(request.data, dict) else {}


class SellerShowDealsApi(APIView):
    @api_errors(DealRunning, ShowNotOpenForDeals)
    @extend_schema(operation_id="seller_show_deals_create", request=s.DealCreateIn, responses={201: s.DealOut})
    def post(self, request, show_id: int):
        show = access_seller_show(user=request.user, show_id=show_id)
        data = _body(request)
        deal = deal_create(
            show=show,
            sku=data.get("sku"),
            price=data.get("price"),
            quantity=data.get("quantity"),
            per_buyer_limit=data.get("per_buyer_limit"),
            starts_in_seconds=data.get("starts_in_seconds"),
            duration_seconds=data.get("duration_seconds"),
        )
        return Response(deal_data(deal), status=status.HTTP_201_CREATED)


def _claim_rate_limit(request) -> None:
    rate_limit_check(request=request, scope="checkout")


class DealClaimApi(APIView):
    @api_errors(DealOver, DealSoldOut, DealLimitReached, OutOfStock, Busy, IdempotencyKeyReused, IdempotencyKeyInFlight)
    @extend_schema(operation_id="show_deals_claim", request=s.DealClaimIn, responses={201: CheckoutOut})
    @idempotent(store=IdempotencyKey, lock_wait_ms=lambda: settings.CHECKOUT_LOCK_WAIT_MS, before=_claim_rate_limit)
    def post(self, request, show_id: int, deal_id: int):
        show = access_public_show(user=request.user, show_id=show_id)
        data = _body(request)
        _deal, result = deal_claim(
            buyer=request.user, show=show, deal_id=deal_id, quantity=data.get("quantity"), address=data.get("address")
        )
        return Response(checkout_answer(result), status=status.HTTP_201_CREATED)
