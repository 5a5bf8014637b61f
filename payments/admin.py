"""Operators: payments, provider events, refunds and the ledger, all read-only (money moves only
through services; the ledger is append-only)."""

from django.contrib import admin

from payments.models import (
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    Payment,
    PaymentAllocation,
    ProviderEvent,
    Refund,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AllocationInline(admin.TabularInline):
    model = PaymentAllocation
    extra = 0
    fields = ["reference", "shop", "amount", "voided_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["id", "buyer", "amount", "currency", "status", "provider", "reference", "created_at",
                    "succeeded_at"]
    list_filter = ["status", "provider", "currency"]
    search_fields = ["reference", "buyer__username", "allocations__reference"]
    list_select_related = ["buyer"]
    inlines = [AllocationInline]


@admin.register(ProviderEvent)
class ProviderEventAdmin(ReadOnlyAdmin):
    list_display = ["event_id", "provider", "type", "payment", "created_at"]
    list_filter = ["provider", "type"]
    search_fields = ["event_id", "payment__reference"]


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ["id", "reference", "shop", "amount", "currency", "status", "created_at", "succeeded_at"]
    list_filter = ["status"]
    search_fields = ["reference", "shop__name"]


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "shop", "currency"]
    list_filter = ["kind", "currency"]
    search_fields = ["shop__name", "shop__slug"]


class LedgerEntryInline(admin.TabularInline):
    model = LedgerEntry
    extra = 0
    fields = ["account", "amount_fen", "currency"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "reference", "key", "created_at"]
    list_filter = ["kind"]
    search_fields = ["reference", "key"]
    inlines = [LedgerEntryInline]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "transaction", "account", "amount_fen", "currency", "created_at"]
    list_filter = ["account__kind", "currency"]
    search_fields = ["transaction__reference", "account__shop__name"]
    list_select_related = ["transaction", "account__shop"]
