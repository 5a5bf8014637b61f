"""The seller's money over the API: balance, payouts, statement (API.md "Money for sellers")."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import Pagination, paginated
from common.money import CURRENCY, from_fen
from payments.selectors import shop_balances, shop_payouts, shop_statement
from shops.access import OWNER, access_seller_shop


class BalanceOut(serializers.Serializer):
    in_escrow = serializers.CharField()
    pending = serializers.CharField()
    available = serializers.CharField()
    in_transit = serializers.CharField()
    paid_out = serializers.CharField()
    currency = serializers.CharField()


class PayoutOut(serializers.Serializer):
    id = serializers.IntegerField()
    batch = serializers.DictField()
    amount = serializers.CharField()
    currency = serializers.CharField()
    status = serializers.CharField()
    failure_reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    paid_at = serializers.DateTimeField(allow_null=True)


class StatementLineOut(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    account = serializers.CharField()
    type = serializers.CharField()
    amount = serializers.CharField()
    currency = serializers.CharField()
    reference = serializers.CharField()


class StatementFilter(serializers.Serializer):
    def get_fields(self):  # "from" is a Python keyword, so the fields are declared here
        return {"from": serializers.DateField(required=False), "to": serializers.DateField(required=False)}


def balance_data(shop_id: int) -> dict:
    return {**{k: f"{v:.2f}" for k, v in shop_balances(shop_id=shop_id).items()}, "currency": CURRENCY}


def payout_data(payout) -> dict:
    return {
        "id": payout.pk,
        "batch": {"id": payout.batch_id, "period": f"{payout.batch.period}"},
        "amount": f"{from_fen(payout.amount_fen):.2f}",
        "currency": payout.currency,
        "status": payout.status,
        "failure_reason": payout.failure_reason,
        "created_at": payout.created_at.isoformat(),
        "paid_at": payout.paid_at.isoformat() if payout.paid_at else None,
    }


def statement_line(entry) -> dict:
    return {
        "id": entry.pk,
        "at": entry.created_at.isoformat(),
        "account": entry.account.kind,
        "type": entry.transaction.kind,
        "amount": f"{from_fen(entry.amount_fen):.2f}",
        "currency": entry.currency,
        # This shop's order number only (shop_statement): a capture's own reference names every shop's order.
        "reference": getattr(entry, "shop_reference", None) or "",
    }


class SellerBalanceApi(APIView):
    @extend_schema(responses=BalanceOut)
    def get(self, request):
        return Response(balance_data(access_seller_shop(user=request.user, role=OWNER).id))


class SellerPayoutsApi(APIView):
    @extend_schema(responses=paginated(PayoutOut))
    def get(self, request):
        shop = access_seller_shop(user=request.user, role=OWNER)
        paginator = Pagination()
        page = paginator.paginate_queryset(shop_payouts(shop_id=shop.id), request, view=self)
        return paginator.get_paginated_response([payout_data(p) for p in page])


class SellerStatementApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, description="YYYY-MM-DD"),
            OpenApiParameter("to", str, description="YYYY-MM-DD"),
        ],
        responses=paginated(StatementLineOut),
    )
    def get(self, request):
        shop = access_seller_shop(user=request.user, role=OWNER)
        dates = StatementFilter(data=request.query_params)
        dates.is_valid(raise_exception=True)
        entries = shop_statement(
            shop_id=shop.id, start=dates.validated_data.get("from"), end=dates.validated_data.get("to")
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(entries, request, view=self)
        return paginator.get_paginated_response([statement_line(e) for e in page])
