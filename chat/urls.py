from django.urls import path

from chat.views import public

urlpatterns = [
    path("chat/start/", public.chat_start, name="start"),
    path("chats/", public.my_chats, name="my-chats"),
    path("chats/<int:conversation_id>/", public.conversation_page, name="conversation"),
]
