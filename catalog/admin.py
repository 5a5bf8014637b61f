from django.contrib import admin, messages
from django.db import transaction

from accounts.services import operator_action_record
from catalog.models import Category, Product, ProductImage, Sku
from catalog.services import product_set_status
from common.admin import ReasonActionForm, action_reason


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "slug", "parent", "commission_rate", "sort_order"]
    list_filter = ["parent"]
    search_fields = ["name", "name_en", "slug"]


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
    model = ProductImage
    extra = 0
    fields = ["image", "thumbnail", "position"]
    readonly_fields = ["image", "thumbnail"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "shop",
        "category",
        "status",
        "visible",
        "price_min",
        "sales_count",
        "rating",
        "updated_at",
    ]
    list_filter = ["status", "visible", "category"]
    search_fields = ["title", "shop__name", "shop__slug"]
    raw_id_fields = ["shop"]
    readonly_fields = [
        "visible",
        "price_min",
        "sales_count",
        "rating",
        "review_count",
        "search_document",
        "published_at",
        "created_at",
        "updated_at",
    ]
    inlines = [SkuInline, ProductImageInline]
    actions = ["delist"]
    action_form = ReasonActionForm

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("shop", "category")

    @admin.action(description="Delist selected products (moderation)", permissions=["change"])
    def delist(self, request, queryset):
        reason = action_reason(request, "Delisted by an operator.")
        for product in queryset:
            with transaction.atomic():
                product = product_set_status(product=product, status=Product.Status.DELISTED, reason=reason)
                operator_action_record(actor=request.user, action="product_delist", obj=product, reason=reason)
        messages.warning(request, f"Delisted {queryset.count()} product(s).")
