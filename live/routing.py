from django.urls import path

from live.consumers import ShowConsumer

websocket_urlpatterns = [path("ws/shows/<int:show_id>/", ShowConsumer.as_asgi())]
