"""Operators: every tip, by show, read-only (money moves only through the payment and the ledger)."""

from django.contrib import admin

from payments.admin import ReadOnlyAdmin
from tips.models import Tip


@admin.register(Tip)
class TipAdmin(ReadOnlyAdmin):
    list_display = ["id", "show", "shop", "sender", "amount", "commission", "status", "created_at", "paid_at"]
    list_filter = ["status", ("show", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["show__title", "show__public_id", "shop__name", "sender__username"]
    list_select_related = ["show", "shop", "sender"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Tip._meta.fields]
