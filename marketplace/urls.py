from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve
from drf_spectacular.views import SpectacularSwaggerSplitView

from accounts import views as account_views
from catalog.views import public as catalog_pages
from common.openapi_views import SchemaView
from common.ws_schema import ws_schema_view
from marketplace import apis
from marketplace.views import money as money_views
from marketplace.views import pages
from marketplace.views import seller as seller_views
from marketplace.views.errors import api_not_found
from shops.views import public as shop_pages

api_v1 = [
    path("", include("accounts.api_urls")),
    path("me/", apis.MeApi.as_view(), name="me"),
    path("", include("shops.api_urls")),
    path("", include("catalog.api_urls")),
    path("", include("orders.api_urls")),
    path("", include("payments.api_urls")),
    path("", include("chat.api_urls")),
    path("", include("notifications.api_urls")),
    path("", include("live.api_urls")),
    path("", include("offers.api_urls")),
    path("", include("deals.api_urls")),
    path("", include("tips.api_urls")),
]

# The seller center is one URL space composed from each app's seller views.
seller = [
    path("", seller_views.dashboard, name="dashboard"),
    path("money/", money_views.money, name="money"),  # balances and orders: composed from payments and orders
    path("", include("shops.urls_seller")),
    path("", include("catalog.urls_seller")),
    path("", include("orders.urls_seller")),
    path("", include("chat.urls_seller")),
    path("", include("payments.urls_seller")),
    path("", include("live.urls_seller")),
]

# The API first: the resolver tries patterns in order, and every API call would otherwise be tried
# against each page's pattern first (and keep the list of those tries on the request).
urlpatterns = [
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SchemaView.as_view(), name="schema"),
    path("api/schema/ws/", ws_schema_view, name="schema-ws"),  # the WebSocket frames (common/ws_schema.py)
    # The split view serves its start-up script as a file, so the docs need no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    # Anything else under /api/ is a JSON 404, not an HTML page.
    re_path(r"^api/", api_not_found, name="api-not-found"),
    path("", pages.home, name="home"),
    path("accounts/", include("accounts.urls")),
    # Django's language switch, with the signed-in person's account following it (User.language).
    path("i18n/setlang/", account_views.language_switch, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("seller/", include((seller, "seller"), namespace="seller")),
    path("", include(("shops.urls", "shops"), namespace="shops")),
    path("", include(("catalog.urls", "catalog"), namespace="catalog")),
    path("", include(("orders.urls", "orders"), namespace="orders")),
    path("", include(("payments.urls", "payments"), namespace="payments")),
    path("", include(("chat.urls", "chat"), namespace="chat")),
    path("", include(("notifications.urls", "notifications"), namespace="notifications")),
    path("", include("tips.urls")),
    path("", include(("live.urls", "live"), namespace="live")),
    # Un-namespaced names ("shop", "product") that every app's templates link to; the views are the apps'.
    path("shop/<slug:slug>/", shop_pages.shopfront, name="shop"),
    path("product/<int:product_id>/", catalog_pages.product_page, name="product"),
]

if settings.SERVE_MEDIA:
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})]

handler400 = "marketplace.views.errors.bad_request"
handler403 = "marketplace.views.errors.permission_denied"
handler404 = "marketplace.views.errors.page_not_found"
handler500 = "marketplace.views.errors.server_error"
