"""The seller center's money page: balances, next payout, the statement (with CSV), the last 30 days."""

import csv

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from common.money import from_fen
from payments.money_apis import StatementFilter
from payments.selectors import next_payout_at, shop_balances, shop_daily_sales, shop_payouts, shop_statement
from shops.decorators import seller_required


@seller_required
def money(request):
    shop = request.shop
    dates = StatementFilter(data=request.GET)
    filters = dates.validated_data if dates.is_valid() else {}
    entries = shop_statement(shop_id=shop.id, start=filters.get("from"), end=filters.get("to"))
    if request.GET.get("format") == "csv":
        return _statement_csv(shop, entries)
    sales = shop_daily_sales(shop_id=shop.id)
    peak = max((day["amount"] for day in sales), default=0) or 1
    return render(
        request,
        "payments/seller/money.html",
        {
            "seller_section": "money",
            "balances": shop_balances(shop_id=shop.id),
            "next_payout_at": next_payout_at(),
            "payouts": list(shop_payouts(shop_id=shop.id)[:10]),
            "page": Paginator(entries, 30).get_page(request.GET.get("page")),
            "sales": [{**day, "height": int(100 * day["amount"] / peak)} for day in sales],
            "sales_total": sum(day["amount"] for day in sales),
            "filters": filters,
        },
    )


def _statement_csv(shop, entries):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="statement-{shop.slug}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 Chinese correctly with a BOM
    writer = csv.writer(response)
    writer.writerow(["id", "time", "account", "type", "amount", "currency", "reference"])
    for entry in entries.iterator(chunk_size=2000):
        writer.writerow(
            [
                entry.pk,
                entry.created_at.isoformat(),
                entry.account.kind,
                entry.transaction.kind,
                f"{from_fen(entry.amount_fen):.2f}",
                entry.currency,
                entry.transaction.reference,
            ]
        )
    return response
