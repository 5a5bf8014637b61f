"""Files a seller downloads: the statement as CSV (times in the site's zone, this shop's orders only)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone

from common.csv_export import csv_writer
from common.money import fen_str
from payments.models import LedgerEntry


def statement_csv_response(*, shop, entries: QuerySet[LedgerEntry]) -> HttpResponse:
    """`entries` from payments.selectors.shop_statement (which scopes each line's order number)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="statement-{shop.slug}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 Chinese correctly with a BOM
    writer = csv_writer(response)  # references and names are user-written: no cell runs as a formula
    writer.writerow(["id", "time", "account", "type", "amount", "currency", "reference"])
    for entry in entries.iterator(chunk_size=2000):
        writer.writerow(
            [
                entry.pk,
                timezone.localtime(entry.created_at).isoformat(),  # the site's zone, with its offset
                entry.account.kind,
                entry.transaction.kind,
                fen_str(entry.amount_fen),
                entry.currency,
                entry.shop_reference or "",
            ]
        )
    return response
