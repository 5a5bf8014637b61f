from django.urls import path

from live import apis
from live.views import public

urlpatterns = [
    path("live/", public.show_list, name="list"),
    path("live/<int:show_id>/", public.room, name="room"),
    path("live/hooks/publish/", apis.PublishHookApi.as_view(), name="hook-publish"),
    path("live/hooks/update/", apis.UpdateHookApi.as_view(), name="hook-update"),
    path("live/hooks/publish-done/", apis.PublishDoneHookApi.as_view(), name="hook-publish-done"),
    path("live/hooks/record-done/", apis.RecordDoneHookApi.as_view(), name="hook-record-done"),
]
