"""The offers API (API.md, "Offers in chat"): parse, call one service, answer with the offer's one shape."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.errors import OutOfStock
from chat.access import access_conversation
from common.api import Pagination, paginated
from common.errors import Busy, RateLimited
from common.idempotency import IdempotencyKeyInFlight, IdempotencyKeyReused, idempotent
from common.openapi import api_errors
from common.ratelimit import rate_limit_check
from offers import serializers as s
from offers.access import access_offer
from offers.errors import OfferNotPending
from offers.selectors import conversation_offers, offer_with_lines, proposal_with_lines
from offers.services import offer_accept, offer_create, offer_decline, offer_withdraw, proposal_create
from orders.models import IdempotencyKey
from orders.serializers import CheckoutOut
from safety.errors import ChatMuted


def _answer(offer, *, code: int = status.HTTP_200_OK) -> Response:
    return Response(s.OfferOut(offer_with_lines(offer.pk)).data, status=code)


class ConversationOffersApi(APIView):
    @extend_schema(operation_id="conversation_offers_list", responses=paginated(s.OfferOut))
    def get(self, request, conversation_id: int):
        conversation = access_conversation(request.user, conversation_id)
        paginator = Pagination()
        page = paginator.paginate_queryset(conversation_offers(conversation_id=conversation.pk), request, view=self)
        return paginator.get_paginated_response(s.OfferOut(page, many=True).data)

    @extend_schema(operation_id="conversation_offers_create", request=s.OfferCreateIn, responses={201: s.OfferOut})
    def post(self, request, conversation_id: int):
        conversation = access_conversation(request.user, conversation_id)
        data = request.data if isinstance(request.data, dict) else {}
        offer = offer_create(
            user=request.user,
            conversation=conversation,
            lines=data.get("lines"),
            shipping_fee=data.get("shipping_fee"),
            note=data.get("note", ""),
            expires_in_hours=data.get("expires_in_hours"),
        )
        return _answer(offer, code=status.HTTP_201_CREATED)


class OfferDetailApi(APIView):
    @extend_schema(operation_id="offers_retrieve", responses=s.OfferOut)
    def get(self, request, offer_id: int):
        return _answer(access_offer(request.user, offer_id))


class OfferDeclineApi(APIView):
    @extend_schema(operation_id="offers_decline", request=None, responses=s.OfferOut)
    @api_errors(OfferNotPending)
    def post(self, request, offer_id: int):
        return _answer(offer_decline(user=request.user, offer=access_offer(request.user, offer_id)))


class OfferWithdrawApi(APIView):
    @extend_schema(operation_id="offers_withdraw", request=None, responses=s.OfferOut)
    @api_errors(OfferNotPending)
    def post(self, request, offer_id: int):
        return _answer(offer_withdraw(user=request.user, offer=access_offer(request.user, offer_id)))


def _accept_rate_limit(request) -> None:
    rate_limit_check(request=request, scope="checkout")


class OfferAcceptApi(APIView):
    @api_errors(OfferNotPending, OutOfStock, Busy, IdempotencyKeyReused, IdempotencyKeyInFlight)
    @extend_schema(operation_id="offers_accept", request=s.OfferAcceptIn, responses={201: CheckoutOut})
    @idempotent(store=IdempotencyKey, lock_wait_ms=lambda: settings.CHECKOUT_LOCK_WAIT_MS, before=_accept_rate_limit)
    def post(self, request, offer_id: int):
        offer = access_offer(request.user, offer_id)
        data = request.data if isinstance(request.data, dict) else {}
        _offer, result = offer_accept(user=request.user, offer=offer, address=data.get("address"))
        return Response(CheckoutOut(result).data, status=status.HTTP_201_CREATED)


class ConversationProposalsApi(APIView):
    @extend_schema(
        operation_id="conversation_proposals_create",
        request=s.ProposalCreateIn,
        responses={201: s.ProposalOut},
        description="The buyer's counter-proposal: SKUs of the conversation's shop and quantities, at unit prices "
        "or for a total (or both), and a note (contact details masked). Posted into the conversation as a "
        "`proposal` card the shop can turn into an offer; it reserves nothing.",
    )
    @api_errors(RateLimited, ChatMuted)
    def post(self, request, conversation_id: int):
        conversation = access_conversation(request.user, conversation_id)
        data = request.data if isinstance(request.data, dict) else {}
        proposal = proposal_create(
            user=request.user,
            conversation=conversation,
            lines=data.get("lines"),
            total=data.get("total"),
            note=data.get("note", ""),
        )
        return Response(s.ProposalOut(proposal_with_lines(proposal.pk)).data, status=status.HTTP_201_CREATED)
