from django.urls import path

from live.views import seller

urlpatterns = [
    path("live/", seller.show_list, name="live"),
    path("live/room-settings/", seller.room_settings, name="live-settings"),
    path("live/<int:show_id>/", seller.show_console, name="live-show"),
    path("live/<int:show_id>/stats/", seller.show_stats, name="live-show-stats"),
    path("live/<int:show_id>/<slug:action>/", seller.show_action, name="live-show-action"),
]
