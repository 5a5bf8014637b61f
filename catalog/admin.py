from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from catalog.models import Category, Product, ProductImage, Sku
from catalog.services import (
    category_operator_save,
    product_operator_delist,
    product_review_approve,
    product_review_reject,
)
from common.admin import ReasonActionForm, action_reason
from common.errors import DomainError


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "slug", "parent", "commission_rate", "sort_order"]
    list_filter = ["parent"]
    search_fields = ["name", "name_en", "slug"]

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser  # the tree is the platform's: operators add and edit, with audit

    def save_model(self, request, obj, form, change):
        category_operator_save(category=obj, operator=request.user, fields=list(form.changed_data), created=not change)


class SkuInline(admin.TabularInline):
    """Read-only: prices and stock change only through the seller's catalogue services."""

    model = Sku
    extra = 0
    fields = ["name", "price", "stock", "is_active"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ProductImageInline(admin.TabularInline):
    """Read-only: photos change only through the seller's catalogue services."""

    model = ProductImage
    extra = 0
    fields = ["photo", "position"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("preview"))
    def photo(self, image: ProductImage) -> str:
        if not image.image:
            return "—"
        return format_html('<a href="{}">{}</a>', image.image.url, _thumbnail(image, size=96))  # opens the original


def _thumbnail(image: ProductImage | None, *, size: int) -> str:
    if image is None or not image.image:
        return "—"
    url = (image.thumbnail or image.image).url
    return format_html(
        '<img src="{}" alt="" width="{}" height="{}" style="object-fit:cover;border-radius:4px">', url, size, size
    )


class ModerationQueueFilter(admin.SimpleListFilter):
    """The operators' queue: products the platform holds, and those whose seller asked for a review."""

    title = _("moderation")
    parameter_name = "moderation"

    def lookups(self, request, model_admin):
        return [
            (Product.Moderation.REVIEW_REQUESTED, _("Review requested (the queue)")),
            (Product.Moderation.DELISTED, _("Delisted by the platform")),
        ]

    def queryset(self, request, queryset):
        if self.value() in (Product.Moderation.REVIEW_REQUESTED, Product.Moderation.DELISTED):
            return queryset.filter(moderation=self.value()).order_by("review_requested_at", "id")
        return queryset


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    """Listings, read-only: operators act through the moderation actions (each writes the audit entry and
    tells the seller). A delisted product stays down until an operator approves the seller's review."""

    list_display = [
        "cover",
        "title",
        "shop",
        "category",
        "status",
        "moderation",
        "review_requested_at",
        "visible",
        "price_min",
        "sales_count",
        "rating",
        "updated_at",
    ]
    list_filter = [ModerationQueueFilter, "status", "visible", "category"]
    search_fields = ["title", "shop__name", "shop__slug"]
    inlines = [SkuInline, ProductImageInline]
    actions = ["delist", "approve_review", "reject_review"]
    action_form = ReasonActionForm

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Product._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("shop", "category").prefetch_related("images")

    @admin.display(description=_("photo"))
    def cover(self, product: Product) -> str:
        images = list(product.images.all())  # prefetched: one query for the page
        return _thumbnail(images[0] if images else None, size=48)

    def _moderate(self, request, queryset, moderate, done: str, *, required: bool):
        reason = action_reason(request, "")
        if required and not reason:
            self.message_user(request, _("Give the seller a reason (the field next to the action)."), messages.ERROR)
            return
        for product in queryset.order_by("pk"):
            try:
                moderate(product_id=product.pk, operator=request.user, reason=reason)
            except DomainError as exc:
                message = (exc.fields and next(iter(exc.fields.values()))[0]) or exc.message
                self.message_user(request, f"{product.title}: {message}", messages.ERROR)
            else:
                self.message_user(request, f"{product.title}: {done}", messages.SUCCESS)

    @admin.action(description=_("Delist selected products (give the reason the seller sees)"), permissions=["change"])
    def delist(self, request, queryset):
        self._moderate(request, queryset, product_operator_delist, str(_("delisted")), required=True)

    @admin.action(description=_("Approve: put selected products back on sale"), permissions=["change"])
    def approve_review(self, request, queryset):
        self._moderate(request, queryset, product_review_approve, str(_("back on sale")), required=False)

    @admin.action(description=_("Reject the review request (give the reason)"), permissions=["change"])
    def reject_review(self, request, queryset):
        self._moderate(request, queryset, product_review_reject, str(_("review rejected")), required=True)
