"""WebSocket routes of every app, composed at the top."""

from django.urls import path

from chat.routing import websocket_urlpatterns as chat_websocket_urlpatterns
from live.routing import websocket_urlpatterns as live_websocket_urlpatterns
from marketplace.consumers import PingConsumer
from notifications.routing import websocket_urlpatterns as notification_websocket_urlpatterns

websocket_urlpatterns = [
    path("ws/ping/", PingConsumer.as_asgi()),
    *chat_websocket_urlpatterns,
    *notification_websocket_urlpatterns,
    *live_websocket_urlpatterns,
]
