"""Operators: orders with their read-only event log, and after-sale decisions on escalated refunds."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from common.admin import ReasonActionForm, action_reason
from common.errors import DomainError
from orders.event_text import order_event_sentence
from orders.models import (
    Cart,
    CartItem,
    IdempotencyKey,
    Order,
    OrderEvent,
    OrderLine,
    RefundRequest,
    Review,
    ReviewPhoto,
)
from orders.services.refunds import REFUND_DECIDE_PERMISSION, refund_request_deny, refund_request_grant
from orders.services.reviews.moderation import review_hide, review_unhide


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ["product_title", "sku_name", "unit_price", "quantity", "subtotal", "commission_rate"]
    readonly_fields = fields


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fields = ["at", "type", "what_happened", "published_at"]
    readonly_fields = fields

    @admin.display(description=_("what happened"))
    def what_happened(self, event: OrderEvent) -> str:
        return order_event_sentence(event)


class RefundRequestInline(ReadOnlyInline):
    model = RefundRequest
    fields = ["created_at", "amount", "return_goods", "status", "reason", "seller_note", "operator_note"]
    readonly_fields = fields
    show_change_link = True


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "shop",
        "buyer",
        "status",
        "total",
        "currency",
        "created_at",
        "paid_at",
        "shipped_at",
        "auto_confirm_at",
    ]
    list_filter = ["status", "created_at"]
    search_fields = ["number", "buyer__username", "shop__name", "shop__slug", "tracking_number"]
    date_hierarchy = "created_at"
    list_select_related = ["shop", "buyer"]
    inlines = [OrderLineInline, RefundRequestInline, OrderEventInline]
    # Orders change only through their services (and their event log): nothing is edited here.
    readonly_fields = [f.name for f in Order._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RefundRequest)
class RefundRequestAdmin(admin.ModelAdmin):
    """The disputes queue: operators with the orders.decide_refundrequest permission grant or deny escalated
    requests (the services check the permission and the state, and write the audit entry)."""

    list_display = ["id", "order", "status", "amount", "return_goods", "respond_by", "created_at"]
    list_filter = ["status", "return_goods"]
    search_fields = ["order__number", "order__buyer__username", "order__shop__name", "reason"]
    list_select_related = ["order"]
    readonly_fields = [
        "order",
        "requested_by",
        "reason",
        "amount",
        "return_goods",
        "status",
        "respond_by",
        "seller_note",
        "operator_note",
        "auto_confirm_remaining",
        "refund",
        "resolved_at",
        "created_at",
        "updated_at",
    ]
    fields = readonly_fields
    actions = ["grant_refund", "deny_refund"]
    action_form = ReasonActionForm

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_decide_permission(self, request) -> bool:
        return request.user.has_perm(REFUND_DECIDE_PERMISSION)

    def _decide(self, request, queryset, decide, done: str):
        note = action_reason(request, "")
        for refund_request in queryset.select_related("order").order_by("pk"):
            try:
                decide(refund_request_id=refund_request.pk, operator=request.user, note=note)
            except DomainError as exc:
                message = (exc.fields and next(iter(exc.fields.values()))[0]) or exc.message
                self.message_user(request, f"{refund_request.order}: {message}", messages.ERROR)
            else:
                self.message_user(request, f"{refund_request.order}: {done}", messages.SUCCESS)

    @admin.action(description=_("Grant the refund (escalated requests)"), permissions=["decide"])
    def grant_refund(self, request, queryset):
        self._decide(request, queryset, refund_request_grant, _("refund granted"))

    @admin.action(description=_("Deny the refund (escalated requests; give the reason)"), permissions=["decide"])
    def deny_refund(self, request, queryset):
        def deny(*, refund_request_id, operator, note):
            return refund_request_deny(refund_request_id=refund_request_id, actor=operator, note=note)

        self._decide(request, queryset, deny, _("refund denied"))


class CartItemInline(ReadOnlyInline):
    model = CartItem
    fields = ["sku", "quantity", "created_at"]
    readonly_fields = fields


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    """Read-only: a buyer's cart is theirs; an operator looks, never edits."""

    list_display = ["user", "updated_at"]
    search_fields = ["user__username"]
    inlines = [CartItemInline]
    readonly_fields = ["user", "created_at", "updated_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(admin.ModelAdmin):
    """Read-only: deleting a key would let a retried checkout place its order twice."""

    list_display = ["user", "key", "status_code", "created_at"]
    search_fields = ["user__username", "key"]
    readonly_fields = ["user", "key", "request_hash", "status_code", "response_json", "created_at", "updated_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReviewPhotoInline(ReadOnlyInline):
    model = ReviewPhoto
    fields = ["position", "image", "width", "height"]
    readonly_fields = fields


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Moderation: hide a review with a reason (its author sees it; it stops counting), or show it again."""

    list_display = [
        "id",
        "product",
        "shop",
        "buyer",
        "rating",
        "short_text",
        "has_photos",
        "is_hidden",
        "counts_for_product",
        "counts_for_shop",
        "replied_at",
        "created_at",
    ]
    list_filter = ["is_hidden", "rating", "has_photos", "counts_for_shop", "created_at"]
    search_fields = ["text", "reply_text", "buyer__username", "shop__name", "product__title", "order__number"]
    list_select_related = ["product", "shop", "buyer"]
    date_hierarchy = "created_at"
    inlines = [ReviewPhotoInline]
    # Reviews change only through their services: every field is read-only here.
    readonly_fields = [f.name for f in Review._meta.fields]
    actions = ["hide_reviews", "unhide_reviews"]
    action_form = ReasonActionForm

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Text"))
    def short_text(self, review: Review) -> str:
        return review.text[:60]

    def _moderate(self, request, queryset, moderate, reason: str, done: str):
        for review in queryset.order_by("pk"):
            try:
                moderate(review_id=review.pk, actor=request.user, reason=reason)
            except DomainError as exc:
                message = (exc.fields and next(iter(exc.fields.values()))[0]) or exc.message
                self.message_user(request, f"#{review.pk}: {message}", messages.ERROR)
            else:
                self.message_user(request, f"#{review.pk}: {done}", messages.SUCCESS)

    @admin.action(description=_("Hide selected reviews (the reason is shown to the author)"), permissions=["change"])
    def hide_reviews(self, request, queryset):
        reason = action_reason(request, "")  # required: the author is told why (review_hide refuses none)
        self._moderate(request, queryset, review_hide, reason, str(_("hidden")))

    @admin.action(description=_("Show selected hidden reviews again"), permissions=["change"])
    def unhide_reviews(self, request, queryset):
        self._moderate(request, queryset, review_unhide, action_reason(request, ""), str(_("shown again")))
