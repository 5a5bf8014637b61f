"""WebSocket routes of every app, composed at the top."""

from django.urls import path

from marketplace.consumers import PingConsumer

websocket_urlpatterns = [
    path("ws/ping/", PingConsumer.as_asgi()),
]
