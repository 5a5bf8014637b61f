from django.urls import path

from chat.consumers import ConversationConsumer, InboxConsumer

websocket_urlpatterns = [
    path("ws/chat/inbox/", InboxConsumer.as_asgi()),
    path("ws/chat/<int:conversation_id>/", ConversationConsumer.as_asgi()),
]
