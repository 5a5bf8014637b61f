from django.urls import path

from offers import apis

urlpatterns = [
    path(
        "conversations/<int:conversation_id>/offers/",
        apis.ConversationOffersApi.as_view(),
        name="conversation-offers",
    ),
    path(
        "conversations/<int:conversation_id>/proposals/",
        apis.ConversationProposalsApi.as_view(),
        name="conversation-proposals",
    ),
    path("offers/<int:offer_id>/", apis.OfferDetailApi.as_view(), name="offer-detail"),
    path("offers/<int:offer_id>/accept/", apis.OfferAcceptApi.as_view(), name="offer-accept"),
    path("offers/<int:offer_id>/decline/", apis.OfferDeclineApi.as_view(), name="offer-decline"),
    path("offers/<int:offer_id>/withdraw/", apis.OfferWithdrawApi.as_view(), name="offer-withdraw"),
]
