from django.contrib import admin, messages
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _

from common.admin import ReasonActionForm, action_reason
from common.errors import DomainError
from shops.models import Shop, ShopFollow, ShopMember
from shops.services import shop_operator_approve, shop_operator_suspend, shop_operator_update, shop_review_reject


class ShopMemberInline(admin.TabularInline):
    """Read-only: people join a shop only by accepting the owner's invitation."""

    model = ShopMember
    extra = 0
    fields = ["user", "role", "created_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ReviewRequestFilter(admin.SimpleListFilter):
    """The operators' queue: suspended shops whose owner asked for a review."""

    title = _("review request")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("requested", _("Review requested (the queue)"))]

    def queryset(self, request, queryset):
        if self.value() == "requested":
            return queryset.filter(review_requested_at__isnull=False).order_by("review_requested_at", "id")
        return queryset


@admin.register(Shop)
class ShopAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "slug",
        "owner",
        "status",
        "review_requested_at",
        "province",
        "city",
        "product_count",
        "rating",
        "created_at",
    ]
    list_filter = [ReviewRequestFilter, "status", "province"]
    search_fields = ["name", "slug", "owner__username", "owner__email"]
    readonly_fields = [
        "owner",
        "slug",
        "status",
        "status_reason",
        "review_requested_at",
        "review_note",
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
        "name",
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
    inlines = [ShopMemberInline]
    actions = ["approve_shops", "suspend_shops", "reject_reviews"]
    action_form = ReasonActionForm

    def has_add_permission(self, request):
        return False  # a shop is opened by its owner

    def has_delete_permission(self, request, obj=None):
        return False  # suspend instead: orders and money keep their shop

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

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        shop_operator_update(shop=obj, operator=request.user, fields=list(form.changed_data))
        return None

    def _decide(self, request, queryset, decide, done: str, *, required: bool):
        reason = action_reason(request, "")
        if required and not reason:
            self.message_user(request, _("Give the owner a reason (the field next to the action)."), messages.ERROR)
            return
        for shop in queryset.order_by("pk"):
            try:
                decide(shop_id=shop.pk, operator=request.user, reason=reason)
            except DomainError as exc:
                message = (exc.fields and next(iter(exc.fields.values()))[0]) or exc.message
                self.message_user(request, f"{shop.name}: {message}", messages.ERROR)
            else:
                self.message_user(request, f"{shop.name}: {done}", messages.SUCCESS)

    @admin.action(description=_("Approve selected shops (or lift their suspension)"), permissions=["change"])
    def approve_shops(self, request, queryset):
        self._decide(request, queryset, shop_operator_approve, str(_("approved")), required=False)

    @admin.action(description=_("Suspend selected shops (give the reason the owner sees)"), permissions=["change"])
    def suspend_shops(self, request, queryset):
        self._decide(request, queryset, shop_operator_suspend, str(_("suspended")), required=True)

    @admin.action(description=_("Reject the owner's review request (give the reason)"), permissions=["change"])
    def reject_reviews(self, request, queryset):
        self._decide(request, queryset, shop_review_reject, str(_("review rejected")), required=True)


@admin.register(ShopFollow)
class ShopFollowAdmin(admin.ModelAdmin):
    """Read-only: a follow is the follower's own act."""

    list_display = ["shop", "user", "created_at"]
    readonly_fields = ["shop", "user", "created_at", "updated_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
