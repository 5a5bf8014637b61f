from django.urls import path

from chat import apis

urlpatterns = [
    path("conversations/", apis.ConversationListApi.as_view(), name="conversation-list"),
    path("conversations/<int:conversation_id>/", apis.ConversationDetailApi.as_view(), name="conversation-detail"),
    path("conversations/<int:conversation_id>/messages/", apis.MessageListApi.as_view(), name="conversation-messages"),
    path("conversations/<int:conversation_id>/read/", apis.ReadApi.as_view(), name="conversation-read"),
    path("conversations/<int:conversation_id>/report/", apis.ReportApi.as_view(), name="conversation-report"),
]
