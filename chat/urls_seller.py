from django.urls import path

from chat.views import seller

urlpatterns = [
    path("inbox/", seller.inbox, name="inbox"),
    path("inbox/<int:conversation_id>/", seller.conversation_page, name="inbox-conversation"),
]
