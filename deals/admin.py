"""Operators see a show's deals and their claims (read-only: deals change only through their services)."""

from django.contrib import admin

from deals.models import Deal, DealClaim


class DealClaimInline(admin.TabularInline):
    model = DealClaim
    extra = 0
    can_delete = False
    fields = ["order", "buyer", "quantity", "released", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Deal)
class DealAdmin(admin.ModelAdmin):
    list_display = ["id", "show", "sku", "price", "quantity", "remaining", "per_buyer_limit", "starts_at", "ends_at"]
    list_select_related = ["show", "sku__product"]
    search_fields = ["show__title", "sku__product__title"]
    readonly_fields = [f.name for f in Deal._meta.fields]
    inlines = [DealClaimInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
