"""The shop page of the operator console, composed at the top: the shop with its products, latest
orders, balance and reported chats (each app's models, read-only here)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from catalog.models import Product
from chat.models import Conversation
from orders.models import Order
from payments.models import LedgerAccount
from payments.selectors import BALANCE_KINDS, shop_balances
from shops.admin import ShopAdmin
from shops.models import Shop


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class ProductInline(_ReadOnlyInline):
    model = Product
    fields = ["title", "status", "moderation", "moderation_reason", "price_min", "sales_count", "rating"]
    verbose_name_plural = _("products")


class ReportedChatInline(_ReadOnlyInline):
    model = Conversation
    fk_name = "shop"
    fields = ["buyer", "report_reason", "reported_at"]
    verbose_name_plural = _("reported chats")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(reported=True)


admin.site.unregister(Shop)


@admin.register(Shop)
class ShopConsoleAdmin(ShopAdmin):
    inlines = [*ShopAdmin.inlines, ProductInline, ReportedChatInline]
    readonly_fields = [*ShopAdmin.readonly_fields, "balance", "latest_orders"]
    fields = [*ShopAdmin.fields, "balance", "latest_orders"]

    @admin.display(description=_("balance (CNY)"))
    def balance(self, obj):
        if obj.pk is None:
            return "—"
        values = shop_balances(shop_id=obj.pk)
        labels = {name: LedgerAccount.Kind(kind).label for name, kind in BALANCE_KINDS.items()}
        return " · ".join(f"{labels[name]} {amount:.2f}" for name, amount in values.items())

    @admin.display(description=_("latest orders"))
    def latest_orders(self, obj):
        if obj.pk is None:
            return "—"
        orders = Order.objects.filter(shop=obj).order_by("-created_at")[:10]
        return (
            format_html_join(
                mark_safe("<br>"),
                '<a href="{}">{}</a> · {} · ¥{}',
                (
                    (reverse("admin:orders_order_change", args=[o.pk]), o.number, o.get_status_display(), o.total)
                    for o in orders
                ),
            )
            or "—"
        )
