from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from marketplace import apis, views

api_v1 = [
    path("", include("accounts.api_urls")),
    path("me/", apis.MeApi.as_view(), name="me"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    # Anything else under /api/ is a JSON 404, not an HTML page.
    re_path(r"^api/", views.page_not_found, name="api-not-found"),
]

if settings.SERVE_MEDIA:
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})]

handler400 = "marketplace.views.bad_request"
handler403 = "marketplace.views.permission_denied"
handler404 = "marketplace.views.page_not_found"
handler500 = "marketplace.views.server_error"
