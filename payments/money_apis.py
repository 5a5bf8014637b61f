"""The seller's money over the API: balance, payouts, statement (API.md "Money for sellers")."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import Pagination, paginated
from common.errors import NotFound
from common.money import CURRENCY
from common.openapi import api_errors
from payments.selectors import shop_balances, shop_payouts, shop_statement
from payments.serializers import BalanceOut, PayoutOut, StatementLineOut, StatementQuery
from shops.access import OWNER, access_seller_shop
from shops.errors import ShopRoleRequired


class SellerBalanceApi(APIView):
    @extend_schema(responses=BalanceOut)
    @api_errors(NotFound, ShopRoleRequired)  # no shop (or a page past the last): 404
    def get(self, request):
        shop = access_seller_shop(user=request.user, role=OWNER)
        return Response(BalanceOut({**shop_balances(shop_id=shop.id), "currency": CURRENCY}).data)


class SellerPayoutsApi(APIView):
    @extend_schema(responses=paginated(PayoutOut))
    @api_errors(NotFound, ShopRoleRequired)  # no shop (or a page past the last): 404
    def get(self, request):
        shop = access_seller_shop(user=request.user, role=OWNER)
        paginator = Pagination()
        page = paginator.paginate_queryset(shop_payouts(shop_id=shop.id), request, view=self)
        return paginator.get_paginated_response(PayoutOut(page, many=True).data)


class SellerStatementApi(APIView):
    @extend_schema(parameters=[StatementQuery], responses=paginated(StatementLineOut))
    @api_errors(NotFound, ShopRoleRequired)  # no shop (or a page past the last): 404
    def get(self, request):
        shop = access_seller_shop(user=request.user, role=OWNER)
        dates = StatementQuery(data=request.query_params)
        dates.is_valid(raise_exception=True)
        entries = shop_statement(
            shop_id=shop.id, start=dates.validated_data.get("from"), end=dates.validated_data.get("to")
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(entries, request, view=self)
        return paginator.get_paginated_response(StatementLineOut(page, many=True).data)
