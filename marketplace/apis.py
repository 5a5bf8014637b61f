"""API endpoints that compose several apps."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.serializers import LanguageInputSerializer
from accounts.services import user_language_set
from shops.selectors import shop_for_member

ME = inline_serializer(
    "Me",
    {
        "id": serializers.IntegerField(),
        "username": serializers.CharField(),
        "email": serializers.EmailField(),
        "language": LanguageInputSerializer().fields["language"],
        "shop": inline_serializer(
            "MeShop", {"slug": serializers.CharField(), "status": serializers.CharField()}, allow_null=True
        ),
    },
)


class MeApi(APIView):
    @extend_schema(responses=ME)
    def get(self, request):
        return Response(self._me(request.user))

    @extend_schema(request=LanguageInputSerializer, responses=ME)
    def patch(self, request):
        """The person's language: what their notifications, e-mails and chat notices are written in (a field
        left out stays as it is)."""
        data = LanguageInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        user = request.user
        if "language" in data.validated_data:
            user = user_language_set(user=user, language=data.validated_data["language"])
        return Response(self._me(user))

    @staticmethod
    def _me(user) -> dict:
        shop = shop_for_member(user=user)
        return {
            "id": user.id,
            "username": user.username,
            "email": user.email,
            "language": user.language,
            "shop": {"slug": shop.slug, "name": shop.name, "status": shop.status} if shop else None,
        }
