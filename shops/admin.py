from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When

from accounts.services import operator_action_record
from common.admin import ReasonActionForm, action_reason
from shops.models import Shop, ShopFollow, ShopMember
from shops.services import shop_approve, shop_suspend


class ShopMemberInline(admin.TabularInline):
    model = ShopMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Shop)
class ShopAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "owner", "status", "province", "city", "product_count", "rating", "created_at"]
    list_filter = ["status", "province"]
    search_fields = ["name", "slug", "owner__username", "owner__email"]
    readonly_fields = [
        "status",
        "status_reason",
        "approved_at",
        "rating",
        "score_as_described",
        "score_communication",
        "score_shipping",
        "review_count",
        "product_count",
        "created_at",
        "updated_at",
    ]
    fields = [
        "owner",
        "name",
        "slug",
        "description",
        "province",
        "city",
        "village",
        "contact",
        "logo",
        "banner",
        "commission_rate",
        *readonly_fields,
    ]
    raw_id_fields = ["owner"]
    inlines = [ShopMemberInline]
    actions = ["approve_shops", "suspend_shops"]
    action_form = ReasonActionForm

    def get_queryset(self, request):
        # The approval queue first: pending shops at the top.
        return (
            super()
            .get_queryset(request)
            .select_related("owner")
            .annotate(
                queue=Case(
                    When(status=Shop.Status.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
                )
            )
            .order_by("queue", "-created_at")
        )

    @admin.action(description="Approve selected shops", permissions=["change"])
    def approve_shops(self, request, queryset):
        reason = action_reason(request, "")
        for shop in queryset:
            with transaction.atomic():
                shop = shop_approve(shop_id=shop.id, reason=reason)
                operator_action_record(actor=request.user, action="shop_approve", obj=shop, reason=reason)
        messages.success(request, f"Approved {queryset.count()} shop(s).")

    @admin.action(description="Suspend selected shops", permissions=["change"])
    def suspend_shops(self, request, queryset):
        reason = action_reason(request, "Suspended by an operator.")
        for shop in queryset:
            with transaction.atomic():
                shop = shop_suspend(shop_id=shop.id, reason=reason)
                operator_action_record(actor=request.user, action="shop_suspend", obj=shop, reason=reason)
        messages.warning(request, f"Suspended {queryset.count()} shop(s).")


@admin.register(ShopFollow)
class ShopFollowAdmin(admin.ModelAdmin):
    list_display = ["shop", "user", "created_at"]
    raw_id_fields = ["shop", "user"]
