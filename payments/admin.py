"""Operators: payments, provider events, refunds and the ledger, all read-only (money moves only
through services; the ledger is append-only)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.admin import ReasonActionForm, action_reason
from common.errors import InvalidState
from common.money import fen_str
from payments.models import (
    LateCapture,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    Payment,
    PaymentAllocation,
    Payout,
    PayoutBatch,
    ProviderEvent,
    Refund,
)
from payments.services.payouts import payout_batch_approve, payout_batch_csv
from payments.services.refunds import refund_retry


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
    list_display = [
        "id",
        "buyer",
        "amount",
        "currency",
        "status",
        "provider",
        "reference",
        "created_at",
        "succeeded_at",
    ]
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
    """Failed refunds are the operators' queue (filter by status): the provider's reason is shown, and
    "send again" resubmits one (services.refunds.refund_retry writes the audit entry)."""

    list_display = [
        "id",
        "reference",
        "shop",
        "amount",
        "currency",
        "status",
        "failure_reason",
        "attempts",
        "created_at",
        "succeeded_at",
    ]
    list_filter = ["status"]
    search_fields = ["reference", "shop__name"]
    actions = ["send_again"]
    action_form = ReasonActionForm

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("payments.change_refund")  # needed for the send-again action

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Refund._meta.fields]

    @admin.action(description=_("Send the selected failed refunds again"), permissions=["change"])
    def send_again(self, request, queryset):
        reason = action_reason(request, "")
        for refund in queryset:
            try:
                refund_retry(refund_id=refund.pk, actor=request.user, reason=reason)
            except InvalidState as exc:
                messages.error(request, f"{refund}: {exc.message}")
            else:
                messages.success(request, f"{refund}: {_('sent to the provider again.')}")


@admin.register(LateCapture)
class LateCaptureAdmin(ReadOnlyAdmin):
    """Money captured for orders that could no longer be paid; each is refunded automatically. The queue
    is clear when every row's refund succeeded (filter by refund status)."""

    list_display = ["id", "reference", "shop", "amount", "currency", "cause", "refund_status", "created_at"]
    list_filter = ["cause", "refund__status"]
    search_fields = ["reference", "shop__name", "payment__buyer__username"]
    list_select_related = ["shop", "refund"]

    @admin.display(description=_("refund"))
    def refund_status(self, obj):
        return obj.refund.get_status_display()


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


class PayoutInline(admin.TabularInline):
    model = Payout
    extra = 0
    fields = ["shop", "amount", "status", "failure_reason", "provider_reference", "paid_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("amount"))
    def amount(self, obj):
        return f"{fen_str(obj.amount_fen)} {obj.currency}"


@admin.register(PayoutBatch)
class PayoutBatchAdmin(ReadOnlyAdmin):
    """Operators approve a batch (which sends it) and download its bank file."""

    list_display = ["period", "status", "payout_count", "total", "failed", "approved_by", "approved_at", "bank_file"]
    list_filter = ["status"]
    inlines = [PayoutInline]
    actions = ["approve_batches"]
    action_form = ReasonActionForm

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n=Count("payouts"),
                total_fen=Sum("payouts__amount_fen"),
                failed_n=Count("payouts", filter=Q(payouts__status=Payout.Status.FAILED)),
            )
        )

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("payments.change_payoutbatch")  # needed for the approve action

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in PayoutBatch._meta.fields]

    @admin.display(description=_("payouts"))
    def payout_count(self, obj):
        return obj.n

    @admin.display(description=_("total (CNY)"))
    def total(self, obj):
        return fen_str(obj.total_fen)

    @admin.display(description=_("failed"))
    def failed(self, obj):
        return obj.failed_n

    @admin.display(description=_("bank file"))
    def bank_file(self, obj):
        url = reverse("admin:payments_payoutbatch_csv", args=[obj.pk])
        return format_html('<a href="{}">CSV</a>', url)

    def get_urls(self):
        return [
            path(
                "<int:batch_id>/bank-file.csv",
                self.admin_site.admin_view(self.bank_file_view),
                name="payments_payoutbatch_csv",
            ),
            *super().get_urls(),
        ]

    def bank_file_view(self, request, batch_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        batch = PayoutBatch.objects.get(pk=batch_id)
        response = HttpResponse(payout_batch_csv(batch=batch), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="payouts-{batch.period}.csv"'
        return response

    @admin.action(description=_("Approve and pay selected batches"), permissions=["change"])
    def approve_batches(self, request, queryset):
        reason = action_reason(request, "")
        for batch in queryset:
            try:
                batch = payout_batch_approve(batch_id=batch.pk, actor=request.user, reason=reason)
            except InvalidState as exc:
                messages.error(request, f"{batch}: {exc.message}")
            else:
                messages.success(request, f"{batch}: {_('approved; payouts are being sent.')}")


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin):
    list_display = ["id", "batch", "shop", "amount", "status", "failure_reason", "paid_at"]
    list_filter = ["status", "batch"]
    search_fields = ["shop__name", "shop__slug", "idempotency_key"]
    list_select_related = ["batch", "shop"]

    @admin.display(description=_("amount"))
    def amount(self, obj):
        return f"{fen_str(obj.amount_fen)} {obj.currency}"
