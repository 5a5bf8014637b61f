from django.urls import path

from live import apis

urlpatterns = [
    path("seller/shows/", apis.SellerShowListApi.as_view(), name="seller-shows"),
    path("seller/shows/<int:show_id>/", apis.SellerShowDetailApi.as_view(), name="seller-show"),
    path(
        "seller/shows/<int:show_id>/stream-key/", apis.SellerShowStreamKeyApi.as_view(), name="seller-show-stream-key"
    ),
    path("seller/shows/<int:show_id>/cover/", apis.SellerShowCoverApi.as_view(), name="seller-show-cover"),
    path("seller/shows/<int:show_id>/end/", apis.SellerShowEndApi.as_view(), name="seller-show-end"),
    path("seller/shows/<int:show_id>/mutes/", apis.SellerShowMutesApi.as_view(), name="seller-show-mutes"),
    path("seller/shows/<int:show_id>/pin/", apis.SellerShowPinApi.as_view(), name="seller-show-pin"),
    path("seller/shows/<int:show_id>/stats/", apis.SellerShowStatsApi.as_view(), name="seller-show-stats"),
    path("shows/", apis.ShowListApi.as_view(), name="show-list"),
    path("shows/<int:show_id>/chapters/", apis.ShowChaptersApi.as_view(), name="show-chapters"),
    path("shows/<int:show_id>/clicks/", apis.ShowClickApi.as_view(), name="show-clicks"),
    path("shows/<int:show_id>/", apis.ShowDetailApi.as_view(), name="show-detail"),
    path("shows/<int:show_id>/messages/", apis.ShowMessagesApi.as_view(), name="show-messages"),
    path(
        "shows/<int:show_id>/messages/<int:message_id>/report/",
        apis.ShowMessageReportApi.as_view(),
        name="show-message-report",
    ),
]
