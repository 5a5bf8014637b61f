"""API endpoints that compose several apps."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from shops.selectors import shop_for_member


class MeApi(APIView):
    @extend_schema(
        responses=inline_serializer(
            "Me",
            {
                "id": serializers.IntegerField(),
                "username": serializers.CharField(),
                "email": serializers.EmailField(),
                "shop": inline_serializer(
                    "MeShop", {"slug": serializers.CharField(), "status": serializers.CharField()}, allow_null=True
                ),
            },
        )
    )
    def get(self, request):
        user = request.user
        shop = shop_for_member(user=user)
        return Response(
            {
                "id": user.id,
                "username": user.username,
                "email": user.email,
                "shop": {"slug": shop.slug, "name": shop.name, "status": shop.status} if shop else None,
            }
        )
