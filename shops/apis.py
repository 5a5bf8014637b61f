from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import Pagination, paginated
from common.errors import Busy, InvalidState, NotFound
from common.images import ImageTooLarge, InvalidImage
from common.openapi import api_errors
from common.parsers import JSONParser
from shops import serializers
from shops.access import (
    OWNER,
    access_my_invitation,
    access_public_shop,
    access_seller_membership,
    access_seller_shop,
    access_shop_invitation,
    access_staff_member,
)
from shops.errors import (
    AlreadyWorksForShop,
    InvitationAlreadyOpen,
    InvitationDeclinedRecently,
    InvitationNotPending,
    InvitationsToPersonLimit,
    OpenInvitationsLimit,
    OwnerStays,
    ShopAlreadyExists,
    ShopSuspended,
)
from shops.selectors import staff_invitations_for_user, staff_invitations_open, staff_members
from shops.services import (
    shop_create,
    shop_review_request,
    shop_update,
    staff_invitation_accept,
    staff_invitation_decline,
    staff_invitation_revoke,
    staff_invite,
    staff_leave,
    staff_remove,
)


class ShopCreateApi(APIView):
    parser_classes = [JSONParser]  # JSON in (API.md): no form-encoded twin with other rules

    @extend_schema(request=serializers.ShopCreateInputSerializer, responses={201: serializers.ShopCreatedOut})
    @api_errors(ShopAlreadyExists)
    def post(self, request):
        data = serializers.ShopCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        shop = shop_create(owner=request.user, **data.validated_data)
        return Response(serializers.ShopCreatedOut(shop).data, status=status.HTTP_201_CREATED)


class ShopDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=serializers.ShopOut)
    def get(self, request, slug):
        shop = access_public_shop(user=request.user, slug=slug)
        return Response(serializers.ShopOut(shop, context={"request": request}).data)


class SellerShopApi(APIView):
    parser_classes = [JSONParser, MultiPartParser]  # multipart for a new logo or banner

    @extend_schema(responses=serializers.ShopOut)
    @api_errors(NotFound)
    def get(self, request):
        shop = access_seller_shop(user=request.user)
        return Response(serializers.ShopOut(shop, context={"request": request}).data)

    @extend_schema(request=serializers.ShopUpdateInputSerializer, responses=serializers.ShopOut)
    @api_errors(NotFound, ShopSuspended, InvalidImage, ImageTooLarge)
    def patch(self, request):
        shop = access_seller_shop(user=request.user, role=OWNER)
        if shop.status == shop.Status.SUSPENDED:
            raise ShopSuspended()
        data = serializers.ShopUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        shop = shop_update(shop=shop, **data.validated_data)
        return Response(serializers.ShopOut(shop, context={"request": request}).data)


# --- staff (子账号): the owner invites, the invitee accepts or declines; removal and leaving ---------------


class SellerStaffApi(APIView):
    """The shop's people (owner only); POST invites someone, who becomes staff only by accepting."""

    parser_classes = [JSONParser]  # JSON in (API.md): no form-encoded twin with other rules

    @extend_schema(operation_id="seller_staff_list", responses=paginated(serializers.StaffMemberOut))
    @api_errors(NotFound)
    def get(self, request):
        shop = access_seller_shop(user=request.user, role=OWNER)
        paginator = Pagination()
        page = paginator.paginate_queryset(staff_members(shop_id=shop.id), request, view=self)
        return paginator.get_paginated_response(serializers.StaffMemberOut(page, many=True).data)

    @extend_schema(request=serializers.StaffInviteInputSerializer, responses={201: serializers.StaffInvitationOut})
    @api_errors(
        NotFound,
        InvitationAlreadyOpen,
        InvitationDeclinedRecently,
        InvitationsToPersonLimit,
        OpenInvitationsLimit,
        Busy,
    )
    def post(self, request):
        shop = access_seller_shop(user=request.user, role=OWNER)
        data = serializers.StaffInviteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = staff_invite(shop=shop, invited_by=request.user, who=data.validated_data["user"])
        return Response(serializers.StaffInvitationOut(invitation).data, status=status.HTTP_201_CREATED)


class SellerStaffMemberApi(APIView):
    @extend_schema(responses={204: None})
    @api_errors(OwnerStays, Busy)
    def delete(self, request, member_id):
        """The owner removes a member of staff (the owner cannot be removed: 409)."""
        member = access_staff_member(user=request.user, member_id=member_id)
        staff_remove(member_id=member.pk, shop=member.shop)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SellerStaffInvitationsApi(APIView):
    @extend_schema(operation_id="seller_staff_invitations_list", responses=paginated(serializers.StaffInvitationOut))
    @api_errors(NotFound)
    def get(self, request):
        """The shop's invitations still waiting for an answer (owner only)."""
        shop = access_seller_shop(user=request.user, role=OWNER)
        paginator = Pagination()
        page = paginator.paginate_queryset(staff_invitations_open(shop_id=shop.id), request, view=self)
        return paginator.get_paginated_response(serializers.StaffInvitationOut(page, many=True).data)


class SellerStaffInvitationApi(APIView):
    @extend_schema(responses={204: None})
    @api_errors(InvitationNotPending, Busy)
    def delete(self, request, invitation_id):
        """The owner withdraws an unanswered invitation (409 once it was answered or expired)."""
        invitation = access_shop_invitation(user=request.user, invitation_id=invitation_id)
        staff_invitation_revoke(invitation_id=invitation.pk, shop=invitation.shop)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SellerStaffLeaveApi(APIView):
    @extend_schema(request=None, responses=serializers.StaffLeftOut)
    @api_errors(NotFound, OwnerStays, Busy)
    def post(self, request):
        """A member of staff stops working for the shop (the owner cannot leave: 409)."""
        shop = access_seller_membership(user=request.user).shop
        staff_leave(user=request.user)
        return Response(serializers.StaffLeftOut({"shop": shop, "status": "left"}).data)


class MyInvitationsApi(APIView):
    @extend_schema(operation_id="me_invitations_list", responses=paginated(serializers.StaffInvitationOut))
    @api_errors(NotFound)  # a page past the last one (?page=)
    def get(self, request):
        """Invitations to work for a shop waiting for the signed-in user's answer."""
        paginator = Pagination()
        page = paginator.paginate_queryset(staff_invitations_for_user(user=request.user), request, view=self)
        return paginator.get_paginated_response(serializers.StaffInvitationOut(page, many=True).data)


class MyInvitationAcceptApi(APIView):
    @extend_schema(request=None, responses=serializers.StaffInvitationOut)
    @api_errors(InvitationNotPending, AlreadyWorksForShop, Busy)
    def post(self, request, invitation_id):
        """Accept: the user becomes staff of the shop (409 if no longer open or already working for a shop)."""
        invitation = access_my_invitation(user=request.user, invitation_id=invitation_id)
        staff_invitation_accept(invitation_id=invitation.pk, user=request.user)
        invitation.refresh_from_db()
        return Response(serializers.StaffInvitationOut(invitation).data)


class MyInvitationDeclineApi(APIView):
    @extend_schema(request=None, responses=serializers.StaffInvitationOut)
    @api_errors(InvitationNotPending, Busy)
    def post(self, request, invitation_id):
        invitation = access_my_invitation(user=request.user, invitation_id=invitation_id)
        invitation = staff_invitation_decline(invitation_id=invitation.pk, user=request.user)
        return Response(serializers.StaffInvitationOut(invitation).data)


class SellerShopReviewRequestApi(APIView):
    """The owner of a suspended shop asks an operator to look again; only an operator lifts a suspension."""

    parser_classes = [JSONParser]  # JSON in (API.md): no form-encoded twin with other rules

    @extend_schema(
        operation_id="seller_shop_review_request",
        request=serializers.ShopReviewRequestSerializer,
        responses=serializers.ShopModerationOut,
    )
    @api_errors(NotFound, InvalidState, Busy)
    def post(self, request):
        shop = access_seller_shop(user=request.user, role=OWNER)
        data = serializers.ShopReviewRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        shop = shop_review_request(shop=shop, note=data.validated_data["note"])
        return Response(serializers.ShopModerationOut(shop).data)
